// Runs the `script` of an actions/github-script step as the action does (an async
// function of require, github, context and core), with a stand-in `github` that
// records the REST calls. Usage: node github_script.js SCRIPT_FILE CONTEXT_JSON_FILE
// Prints the recorded calls as JSON. EXISTING_COMMENTS: what listComments returns.
const fs = require('fs');
const [scriptFile, contextFile] = process.argv.slice(2);
const calls = [];
const record = (name) => async (args) => { calls.push([name, args]); return { data: {} }; };
const github = {
  paginate: async (method, args) => {
    calls.push(['paginate', method, args]);
    return JSON.parse(process.env.EXISTING_COMMENTS || '[]');
  },
  rest: {
    issues: {
      listComments: 'issues.listComments',
      createComment: record('issues.createComment'),
      updateComment: record('issues.updateComment'),
    },
  },
};
const core = {
  info: () => {},
  setFailed: (message) => calls.push(['setFailed', message]),
  setOutput: (key, value) => calls.push(['setOutput', key, value]),
};
const context = JSON.parse(fs.readFileSync(contextFile, 'utf8'));
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const body = fs.readFileSync(scriptFile, 'utf8');
new AsyncFunction('require', 'github', 'context', 'core', body)(require, github, context, core)
  .then(() => process.stdout.write(JSON.stringify(calls)))
  .catch((err) => { console.error(err); process.exit(1); });

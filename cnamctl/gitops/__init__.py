"""GitOps helpers shipped with cnamctl: the pull-request comment of the GitHub Action."""

"""HTTP: the request pipeline, authentication, routing, stats, the admin API."""

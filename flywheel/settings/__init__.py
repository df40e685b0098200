"""Settings: `base` reads the environment; `production` and `test` are thin overrides."""

"""The rule engine: load YAML, validate, compile to callables, evaluate, route, test."""

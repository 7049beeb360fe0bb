"""The service's routes, one module per resource: screening, rules, admin, health."""

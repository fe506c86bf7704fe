"""Certificate templates as data: one YAML file per certificate kind (see qualification.yaml)."""

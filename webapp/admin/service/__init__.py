"""The admin's use cases: the organisation and its departments, accounts and grants, policy overrides,
API tokens, the signing key, and the audit trail every change writes."""

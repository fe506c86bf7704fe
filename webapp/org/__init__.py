"""The organisation's tables shared by every feature: organisations, departments, posts, people, users and
their roles, inspectors' grants, API tokens and the login throttle. Pages that edit them live in
`webapp.admin` (organisation, departments, users) and `webapp.roster` (people)."""

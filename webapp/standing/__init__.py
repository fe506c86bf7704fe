"""Standing (是否可上岗): the `events` table of facts and the service that records events and asks
`quizbank.rules` what they add up to. No pages of its own; certificates, inspections, training and the
roster build on it."""

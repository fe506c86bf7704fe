"""Training: sessions with attendance and hours (→ `training_completed` events), the retraining queue
for trainers, and what a worker owes on their home page. Pages in `.routes` (the blueprint), tables in
`.models`, use cases in `.service`."""

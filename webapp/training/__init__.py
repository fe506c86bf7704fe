"""Training: sessions with attendance and hours (→ `training_completed` events), the retraining queue
for trainers, and what a worker owes on their home page. Blueprint in `webapp.training.views`."""

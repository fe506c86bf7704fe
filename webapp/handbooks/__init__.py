"""The enterprise's own 应知应会手册: drafts, published versions, the booklet, reading and acknowledging."""

"""The blueprints question sets bring for their posts (blueprints.yaml), as the web app's default."""

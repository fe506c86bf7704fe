"""One module per `quizbank` subcommand. Each has `register(subparsers)` that adds its parser and
sets `run=<function(args) -> exit code>` as the parser default."""

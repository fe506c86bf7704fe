"""Built-in question sets, each a plugin package registered under the `quizbank.question_sets` entry point group."""

"""The demo organisation `quizbank demo` seeds: people, accounts, exams, a year of history and certificates."""

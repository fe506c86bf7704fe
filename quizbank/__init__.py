"""quizbank: the pure core of a safety-training and examination platform.

Values in, values out: no web framework, no database, no clock or random source it was not given.
"""

__version__ = "0.1.0"

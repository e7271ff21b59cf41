"""The ``fundflows`` command-line application and its command modules."""

"""The suite's fixtures are plugins under tests/support/; builders of bodies and accounts are
plain functions in tests/builders.py. Folder conftests hold only what their folder uses."""

pytest_plugins = ["tests.support.fixtures", "tests.support.browser_fixtures"]

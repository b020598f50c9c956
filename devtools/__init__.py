"""Measuring and demonstration tools: bench, loadtest, generate_demo_data, make_tracker_workbook.

Not part of the product: installed only when DJANGO_DEVTOOLS=1 (the tests, `make loadtest`,
a developer measuring), so production's `manage.py help` does not offer them.
"""

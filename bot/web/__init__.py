"""Reaching outside the project: fetching the links admins give."""

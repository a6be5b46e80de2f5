"""Real-browser end-to-end tests: headless Chromium against servers running our middleware."""

"""Search pages: query parameters (`query`) and the page machinery (`search`); see docs/architecture.md."""

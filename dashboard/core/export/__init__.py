"""CSV export of a search: cell formatting (`cells`), paged streaming (`stream`), the download (`response`)."""

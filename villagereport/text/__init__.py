"""The book's words: message catalogues by language, and the sentences' structure."""

"""The Textual screening app: the only part of screener that imports textual."""

"""Drawing and writing: PRISMA diagrams (svg/png/pdf), text, Markdown, CSV and JSON."""

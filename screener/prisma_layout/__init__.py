"""PRISMA views of a computed flow: the 2009 counts, identity checks, output field names."""

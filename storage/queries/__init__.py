"""Plain query functions that take an AsyncSession; one module per table group."""

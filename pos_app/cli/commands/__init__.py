"""The commands, one module per group; ``pos_app.cli.COMMANDS`` lists them."""

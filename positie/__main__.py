from positie.cli import app

app()

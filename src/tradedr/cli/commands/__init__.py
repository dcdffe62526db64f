"""The commands, one module per group. Each is thin: it parses its options, calls one
service function (`tradedr.<package>.service`) and renders the result with
`tradedr.cli.render`; app.py registers it under its name."""

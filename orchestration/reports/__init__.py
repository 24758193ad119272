"""Reports: the marts rendered as static HTML pages with stable links."""

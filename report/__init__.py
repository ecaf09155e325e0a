"""The campaign report as files: a self-contained accessible HTML page and a PDF/A.

The figures come assembled from bot/ (`CampaignService.report_data`: one release, the
digest's ranking); this package only presents them: the text alternatives and data tables
(`view`), the charts as inline SVG drawn with matplotlib (`charts`), the core team's Markdown
conclusions (`conclusions`), the page from a Jinja2 template (`html`) and the PDF
(`pdf`, WeasyPrint). bot/ never imports this package; it imports no platform.
"""

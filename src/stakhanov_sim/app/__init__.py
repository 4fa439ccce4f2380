"""The classroom app (Solara): ``server`` builds the page, ``levers`` turns the sidebar into
a scenario, ``session`` runs it (and its "What if?" twin) shift by shift, ``charts`` and
``picture`` draw it, ``launch`` serves it behind a join token and an Origin check."""

"""The classroom app (Solara, through Mesa's SolaraViz): ``server`` builds the page,
``charts`` the live charts, ``picture`` the drawing of the mine and the event feed."""

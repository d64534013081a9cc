"""`invoke bench`: how fast the site builds and previews, how light it is to read."""

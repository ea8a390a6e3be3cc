"""QA replay: scenarios of scripted caller turns run through the whole bot, checked and reported."""

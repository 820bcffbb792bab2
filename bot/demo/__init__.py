"""`anchor demo`: a synthetic programme in a demo data folder, so a programme team can open a
real themes report and a facilitator a real workshop summary in the first five minutes.

folder.py makes (or refuses) the folder and is light to import, so a refusal is quick;
build.py plays the script (script.py) through the services (coaching.py, workshop.py)."""

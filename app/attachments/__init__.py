"""Voice notes and photos a worker adds to her help requests and messages (issue 16, "Speak or show")."""

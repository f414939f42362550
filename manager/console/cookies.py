"""The console's cookie names (the sessions they name are kept by manager/sessions.py)."""
COOKIE = "bangtin_session"  # a console session's random id
LANG_COOKIE = "bangtin_lang"
LOGIN_COOKIE = "bangtin_login"  # the login form's own CSRF token, before there is a session

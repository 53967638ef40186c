"""What the workers themselves say, in German (see workers/texts.py)."""

WORKING = "⚙️ Ich arbeite daran…"
FAILED = "Entschuldigung, beim Beantworten ist etwas schiefgegangen. Bitte versuche es gleich noch einmal."
TOO_SLOW = ("⌛ Das hat zu lange gedauert und wurde abgebrochen. Versuche es mit einer kürzeren Nachricht "
            "oder später noch einmal.")
NOT_DELIVERED = ("Entschuldigung, Telegram hat meine Antwort darauf nicht angenommen, daher kann ich sie hier nicht "
                 "zeigen. Frag nach etwas Kürzerem oder Kleinerem.")
GAVE_UP = ("Entschuldigung, ich habe mehrmals versucht, das zu beantworten, und der Worker ist jedes Mal "
           "stehen geblieben, also habe ich aufgegeben. Versuche es mit einer kürzeren oder anderen Nachricht.")

TRANSLATED = "🌐 {source} → {target}:"
DETECTED = "{language} (erkannt)"
NOT_SURE = "\n\n(Nicht {language}? Nenne die Ausgangssprache, z. B. /translate es>{target} …)"
ALREADY_IN = ("Dieser Text ist schon auf {language}. Nenne die Sprache, in die ich ihn übersetzen soll, z. B. "
              "/translate english …")
NO_VOICE = "🔇 Für {language} habe ich keine Stimme, daher kann ich das nicht vorlesen. Ich spreche: {languages}."

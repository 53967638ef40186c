"""What the workers themselves say, in German (see workers/texts.py)."""

WORKING = "⚙️ Ich arbeite daran…"
FAILED = "Entschuldigung, beim Beantworten ist etwas schiefgegangen. Bitte versuche es gleich noch einmal."
TOO_SLOW = ("⌛ Das hat zu lange gedauert und wurde abgebrochen. Versuche es mit einer kürzeren Nachricht "
            "oder später noch einmal.")
GAVE_UP = ("Entschuldigung, ich habe mehrmals versucht, das zu beantworten, und der Worker ist jedes Mal "
           "stehen geblieben, also habe ich aufgegeben. Versuche es mit einer kürzeren oder anderen Nachricht.")

TRANSLATED = "🌐 {source} → {target}:"
DETECTED = "{language} (erkannt)"
NOT_SURE = "\n\n(Nicht {language}? Nenne die Ausgangssprache, z. B. /translate es>{target} …)"
ALREADY_IN = ("Dieser Text ist schon auf {language}. Nenne die Sprache, in die ich ihn übersetzen soll, z. B. "
              "/translate english …")
NO_VOICE = "🔇 Für {language} habe ich keine Stimme, daher kann ich das nicht vorlesen. Ich spreche: {languages}."

DOCUMENT_REFUSED = {
    "encrypted": ("🔒 Dieses PDF ist mit einem Passwort geschützt, daher kann ich es nicht lesen. Entferne das "
                  "Passwort (zum Beispiel, indem du es in ein neues PDF druckst) und schick es noch einmal."),
    "no_text": ("🖨 Dieses PDF enthält keinen Text, den ich lesen kann: Seine Seiten sind Bilder, wie ein Scanner sie "
                "macht. Lass zuerst eine Texterkennung (OCR) darüber laufen oder füge den Text ein."),
    "damaged": ("📄 Diese Datei ist beschädigt oder unvollständig, daher kann ich sie nicht lesen. Speichere oder "
                "exportiere sie neu und schick die neue Datei."),
    "unknown_kind": ("📄 Ich lese PDF-, Word- (.docx), HTML-, Markdown- und Textdateien, und diese ist nichts davon. "
                     "Speichere sie in einem dieser Formate und schick sie noch einmal."),
    "empty": "📄 In diesem Dokument steht kein Text.",
    "too_heavy": ("📄 Dieses Dokument braucht zum Lesen mehr Speicher, als ich mir erlaube. Schick ein kleineres "
                  "oder nur den Teil, den du brauchst."),
    "too_slow": ("⌛ Das Lesen dieses Dokuments hat über {seconds} Sekunden gedauert, daher habe ich aufgehört. Schick "
                 "ein kleineres oder nur den Teil, den du brauchst."),
    "too_big": ("📄 Diese Datei ist über {megabytes} MB groß, mehr als ich lese. Schick eine kleinere oder nur den "
                "Teil, den du brauchst."),
}
DOCUMENT_CUT = {
    "page": ("✂️ Das Dokument ist länger, als ich auf einmal lese: Das hier umfasst seine ersten {read} von {total} "
             "Seiten."),
    "paragraph": ("✂️ Das Dokument ist länger, als ich auf einmal lese: Das hier umfasst seine ersten {chars} "
                  "Zeichen."),
}
DOCUMENT_USED = {"page": "📄 Verwendete Seiten: {numbers}", "paragraph": "📄 Verwendete Absätze: {numbers}"}
DOCUMENT_PLACE = {"page": "Seite {number}", "paragraph": "Absatz {number}"}
DOCUMENT_FOUND = "🔎 Die Stellen in {name}, die „{query}“ am nächsten kommen:"
TRANSLATION_IN_FILE = "📎 Die Übersetzung steht in der Datei unten, Absatz für Absatz wie in deiner."

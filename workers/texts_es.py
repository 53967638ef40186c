"""What the workers themselves say, in Spanish (see workers/texts.py)."""

WORKING = "⚙️ Trabajando en ello…"
FAILED = "Lo siento, algo salió mal al responder. Vuelve a intentarlo en un momento."
TOO_SLOW = "⌛ Eso tardó demasiado y se detuvo. Prueba con un mensaje más corto, o inténtalo más tarde."
GAVE_UP = ("Lo siento, intenté responder varias veces y el worker se detuvo cada vez, así que lo dejé. "
           "Prueba con un mensaje más corto o distinto.")

TRANSLATED = "🌐 Del {source} al {target}:"
DETECTED = "{language} (detectado)"
NOT_SURE = "\n\n(¿No es {language}? Indica el idioma de origen, p. ej. /translate en>{target} …)"
ALREADY_IN = "Ese texto ya está en {language}. Indica a qué idioma traducirlo, p. ej. /translate english …"

NO_VOICE = "🔇 No tengo voz para el idioma {language}, así que no puedo leerlo. Hablo: {languages}."

DOCUMENT_REFUSED = {
    "encrypted": ("🔒 Ese PDF está protegido con contraseña, así que no puedo leerlo. Quita la contraseña (por "
                  "ejemplo, imprímelo en un PDF nuevo) y envíalo de nuevo."),
    "no_text": ("🖨 Ese PDF no tiene texto que pueda leer: sus páginas son imágenes, como las que hace un escáner. "
                "Pásalo antes por un reconocimiento de texto (OCR) o pega el texto."),
    "damaged": ("📄 Ese archivo está dañado o incompleto, así que no puedo leerlo. Guárdalo o expórtalo de nuevo y "
                "envía el archivo nuevo."),
    "unknown_kind": ("📄 Leo archivos PDF, Word (.docx), HTML, Markdown y de texto plano, y este no es ninguno de "
                     "ellos. Guárdalo en uno de esos formatos y envíalo de nuevo."),
    "empty": "📄 Ese documento no tiene texto.",
    "too_heavy": ("📄 Leer ese documento necesita más memoria de la que me permito. Envía uno más pequeño o solo la "
                  "parte que necesitas."),
    "too_slow": ("⌛ Leer ese documento tardó más de {seconds} segundos, así que lo detuve. Envía uno más pequeño o "
                 "solo la parte que necesitas."),
    "too_big": ("📄 Ese archivo pasa de {megabytes} MB, más de lo que leo. Envía uno más pequeño o solo la parte que "
                "necesitas."),
}
DOCUMENT_CUT = {
    "page": "✂️ El documento es más largo de lo que leo de una vez: esto abarca sus primeras {read} de {total} páginas.",
    "paragraph": ("✂️ El documento es más largo de lo que leo de una vez: esto abarca sus primeros {chars} "
                  "caracteres."),
}
DOCUMENT_USED = {"page": "📄 Páginas usadas: {numbers}", "paragraph": "📄 Párrafos usados: {numbers}"}
DOCUMENT_PLACE = {"page": "página {number}", "paragraph": "párrafo {number}"}
DOCUMENT_FOUND = "🔎 Los pasajes de {name} más cercanos a «{query}»:"
TRANSLATION_IN_FILE = "📎 La traducción está en el archivo de abajo, párrafo a párrafo como en el tuyo."

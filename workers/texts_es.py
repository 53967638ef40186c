"""What the workers themselves say, in Spanish (see workers/texts.py)."""

WORKING = "⚙️ Trabajando en ello…"
FAILED = "Lo siento, algo salió mal al responder. Vuelve a intentarlo en un momento."
TOO_SLOW = "⌛ Eso tardó demasiado y se detuvo. Prueba con un mensaje más corto, o inténtalo más tarde."
NOT_DELIVERED = ("Lo siento, Telegram no aceptó mi respuesta, así que no puedo mostrarla aquí. "
                 "Prueba a pedir algo más corto o más pequeño.")
GAVE_UP = ("Lo siento, intenté responder varias veces y el worker se detuvo cada vez, así que lo dejé. "
           "Prueba con un mensaje más corto o distinto.")

TRANSLATED = "🌐 Del {source} al {target}:"
DETECTED = "{language} (detectado)"
NOT_SURE = "\n\n(¿No es {language}? Indica el idioma de origen, p. ej. /translate en>{target} …)"
ALREADY_IN = "Ese texto ya está en {language}. Indica a qué idioma traducirlo, p. ej. /translate english …"

NO_VOICE = "🔇 No tengo voz para el idioma {language}, así que no puedo leerlo. Hablo: {languages}."

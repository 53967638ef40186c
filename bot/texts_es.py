"""What the bot itself says, in Spanish: the same names and {placeholders} as bot/texts.py."""

WELCOME = (
    "¡Hola, {name}! Soy Pipegram, un asistente de IA que funciona en las propias máquinas de mi dueño.\n\n"
    "Escríbeme y te respondo. Envía /help para ver todo lo que sé hacer."
)

HELP = (
    "Esto es lo que sé hacer:\n\n"
    "💬 Chat: escribe lo que quieras, p. ej. \"Dame tres nombres para un gato gris\". "
    "Recuerdo los últimos mensajes de este chat.\n"
    "🌐 /translate french Buenos días: traduce a un idioma nombrado en inglés, en su propio idioma "
    "(Deutsch), por código (fr, fra_Latn) o como origen>destino (de>fr). Detecto el idioma del texto. Responde "
    "/translate a un mensaje o a un documento para traducirlo; sin idioma, traduzco al tuyo.\n"
    "/language spanish: el idioma al que traduce /translate cuando no nombras ninguno\n"
    "📝 /summarize tu texto: o responde /summarize a un mensaje o a un documento, o reenvíame un mensaje "
    "largo. /summarize short o /summarize long fija la longitud.\n"
    "🔗 /similar Un gato en la alfombra | Un gatito en la manta: cuánto se parecen dos frases en su sentido\n"
    "🔎 /find cuándo es la reunión: los mensajes de este chat más cercanos en sentido a tus palabras\n"
    "📷 Envía una foto (o un archivo de imagen): marco y cuento los objetos que hay en ella\n"
    "✂️ /segment: como pie de una foto o en respuesta a una: sus regiones, cada una de un color\n"
    "🖼 /caption: como pie de una foto o en respuesta a una: una frase sobre la foto\n"
    "📄 Documentos (PDF, Word, HTML, Markdown, texto): respóndele a uno o envíalo con el comando como pie: "
    "/summarize, /translate german (la traducción llega también como archivo), /find el plazo (sus pasajes más "
    "cercanos), /ask ¿cuándo vence el plazo? (una respuesta que nombra las páginas usadas)\n"
    "❓ /ask ¿cuántas personas hay?: como pie de una foto o en respuesta a una: una respuesta sobre la foto\n"
    "/reset: olvidar nuestra conversación (y los mensajes guardados para /find)\n"
    "/cancel: cancelar tus peticiones que aún esperan\n"
    "/status: qué workers están en línea, en qué dispositivo y cuántos trabajos esperan\n"
    "/usage: cuánto has usado hoy de tus límites diarios y cuándo se reinician\n"
    "\n"
    "🎙 Notas de voz, archivos de audio y vídeos redondos: respondo con lo que se dijo, en párrafos (hasta el "
    "límite del administrador; horas con un servidor local de la Bot API). En grupos: responde /transcribe a una.\n"
    "/transcribe timestamps: como respuesta a una grabación, su transcripción con la hora de cada párrafo\n"
    "/srt o /vtt: subtítulos en un archivo .srt o WebVTT: responde a una grabación, o envíala con ese pie\n"
    "/speechlang es: el idioma que hablas en las grabaciones (/speechlang auto para detectarlo)\n"
    "/voice on: modo de voz: respondo a tus notas de voz en el chat, con texto y con una nota de voz "
    "(/voice off)\n"
    "/say hola a todos: leo un texto en voz alta con la voz de su idioma (o responde /say a un mensaje)\n"
    "/classify dog barking, vacuum cleaner: responde a una grabación y ordeno las etiquetas según cómo suena\n\n"
    "⚙️ /settings: botones para tu idioma de traducción, lo que devuelve una nota de voz y la longitud de las "
    "respuestas\n"
    "/help: este mensaje\n\n"
    "Cada mensaje recibe exactamente una respuesta; mientras trabajo verás \"escribiendo…\"."
)

# Se añade a /help para los administradores del bot (ADMIN_USERS).
ADMIN_HELP = (
    "\n\n🔑 Para administradores:\n"
    "/allow 123456 o /allow @nombre: dejar entrar a un usuario al instante (o responde /allow a su mensaje); "
    "/allow solo muestra quién puede usar el bot, /allow everyone lo abre a todos\n"
    "/deny 123456 o /deny @nombre: dejar fuera a un usuario al instante; /deny everyone hace privado el bot\n"
    "/stats: trabajos, latencia y errores por habilidad, las colas y el uso de hoy"
)

QUEUED = "⏳ En cola: posición {position}{eta}"
QUEUED_ETA = ", unos {duration}"

RESET_DONE = "🧹 Hecho: he olvidado nuestra conversación. ¿De qué hablamos?"

TRANSLATE_USAGE = (
    "Dime qué traducir: /translate french Buenos días, o responde /translate german a un mensaje "
    "o a un documento. Sin idioma, traduzco al tuyo (ver /language)."
)

UNKNOWN_LANGUAGE = (
    "No conozco ningún idioma llamado \"{words}\".{suggestion} Nómbralo en inglés o en su propio idioma (french, "
    "Deutsch, español), por su código (fr, fra, pt-BR) o por su código NLLB-200 (fra_Latn), p. ej. "
    "/translate german Buenos días. Para indicar también el idioma de origen, escribe origen>destino: "
    "/translate es>fr Buenos días"
)
DID_YOU_MEAN = " ¿Quisiste decir {names}?"
CANNOT_TRANSLATE = ("🌐 Mi modelo de traducción no conoce el idioma {name}, así que no puedo traducir a él ni desde "
                    "él. Conoce otros 200: nombra uno en inglés, en su propio idioma o por código, p. ej. "
                    "/translate german …")

LANGUAGE_NOW = "🌐 /translate sin idioma traduce a: {name} ({code}). Cámbialo con p. ej. /language english"

LANGUAGE_SET = "🌐 Hecho: /translate sin idioma ahora traduce a: {name} ({code})."

SUMMARIZE_USAGE = (
    "Dime qué resumir: /summarize tu texto, o responde /summarize a un mensaje o a un documento, "
    "o reenvíame un mensaje largo. Añade short o long para la longitud: /summarize short ..."
)

DOCUMENT_TOO_BIG = ("📄 Ese archivo pasa de {megabytes} MB, más de lo que leo. Envía uno más pequeño o solo la parte "
                    "que necesitas.")
FIND_DOCUMENT_USAGE = "🔎 Dime qué buscar en el documento, p. ej. /find el plazo"
ASK_DOCUMENT_USAGE = "❓ Haz una pregunta sobre el documento, p. ej. /ask ¿cuándo vence el plazo?"

GROUP_NOT_ALLOWED = ("Lo siento, este bot de Pipegram no está activado en este grupo. "
                     "Su dueño puede añadir el id del grupo ({chat_id}) a ALLOWED_GROUPS.")

NOT_ALLOWED = (
    "Lo siento, tu cuenta no puede usar este bot de Pipegram. Si debería poder, pide al dueño del bot que te deje "
    "entrar: basta con que envíe /allow {user_id}."
)

TOO_FAST = ("🐢 Son más de {limit} mensajes en un minuto, así que me salto algunos. "
            "Espera un minuto y envía lo que aún necesites.")

TOO_MANY_WAITING = ("⏳ Ya tienes {count} peticiones esperando. Respondo esas primero: "
                    "envía esto de nuevo cuando terminen, o cancélalas con /cancel.")

CANCELLED = "🛑 Cancelada(s) {count} petición(es) en espera. Lo que ya está en marcha se responderá igualmente."

NOTHING_TO_CANCEL = "No tienes nada esperando, así que no hay nada que cancelar."

UNKNOWN_COMMAND = "No conozco el comando {command}. Envía /help para ver lo que sé hacer."

TEXT_FILE_HINT = ("📄 Recibí tu archivo. Respóndele con /summarize, /translate y un idioma, /find y unas palabras "
                  "o /ask y una pregunta, o envíalo de nuevo con uno de ellos como pie.")

VISION_USAGE = ("📷 Envíame una foto con /segment, /caption o /ask y una pregunta como pie, "
                "o responde con uno de ellos a una foto.")

ASK_USAGE = "❓ Haz una pregunta sobre la foto, p. ej. /ask ¿cuántas personas hay?"

NOT_AN_IMAGE = "🖼 Ese archivo no es una imagen que pueda mirar. Envía una foto, o un archivo JPEG, PNG o WebP."

IMAGE_FILE_TOO_BIG = ("🖼 Ese archivo es demasiado grande para mí (más de 20 MB). Envíalo como foto, "
                      "o una imagen más pequeña.")

UNSUPPORTED = "Aún no puedo hacer nada con {what}. Envíame un mensaje de texto, o /help para ver lo que sé hacer."
OTHER_KIND = "este tipo de mensaje"

MESSAGE_KINDS = [
    ("sticker", "stickers"), ("animation", "GIF"), ("location", "ubicaciones"), ("venue", "lugares"),
    ("poll", "encuestas"), ("contact", "contactos"), ("dice", "dados"), ("game", "juegos"), ("video", "vídeos"),
    ("video_note", "videomensajes"), ("voice", "notas de voz"), ("audio", "archivos de audio"), ("photo", "fotos"),
    ("document", "archivos"), ("story", "historias"),
]

SAY_USAGE = "Dime qué decir, p. ej. /say hola a todos, o responde /say a un mensaje."
SUBTITLES_USAGE = ("Responde /{kind} a una nota de voz o a un archivo de audio y te enviaré sus subtítulos en un "
                   "archivo .{kind} (o envía el archivo con el pie /{kind}).")
TRANSCRIBE_USAGE = ("Responde /transcribe a una nota de voz, un archivo de audio o un vídeo y te enviaré lo que se "
                    "dijo; /transcribe timestamps añade la hora a la que empieza cada párrafo.")
TRANSCRIBE_GROUP_USAGE = ("Responde /transcribe a una nota de voz o a un archivo de audio y te enviaré lo que se "
                          "dijo (/transcribe timestamps añade las horas). Transcribir cada nota de voz de este "
                          "grupo: {current}; los administradores del grupo lo cambian con /transcribe on o "
                          "/transcribe off.")
TRANSCRIBE_GROUP_SET = {
    "on": "🎙 A partir de ahora transcribo cada nota de voz de este grupo.",
    "off": "🔇 A partir de ahora solo transcribo una nota de voz aquí cuando alguien le responde /transcribe.",
}
TRANSCRIBE_ADMINS_ONLY = "Solo los administradores de este grupo pueden cambiar eso."
CLASSIFY_USAGE = ("Responde a una nota de voz o archivo de audio con etiquetas separadas por comas, p. ej. "
                  "/classify dog barking, vacuum cleaner, rain: las ordeno según cómo suena la grabación.")
VOICE_USAGE = ("El modo de voz está en «{current}». Con /voice on respondo a tus notas de voz en el chat, con texto "
               "y con una nota de voz; /voice off vuelve a las transcripciones. /settings tiene una tercera opción: "
               "la transcripción solo como archivo.")
VOICE_SET = {
    "on": "🎙 Modo de voz activado: envíame una nota de voz y la responderé por escrito y en voz alta.",
    "off": "📝 Modo de voz desactivado: responderé a las notas de voz con su transcripción.",
}
SPEECHLANG_NOW = ("🗣 Espero {name} en tus grabaciones. Cámbialo por nombre o código, p. ej. /speechlang german o "
                  "/speechlang de, o envía /speechlang auto y detectaré el idioma de cada grabación.")
SPEECHLANG_NOW_AUTO = ("🗣 Detecto yo mismo el idioma de cada grabación. Si me equivoco, dime el tuyo por nombre o "
                       "código, p. ej. /speechlang spanish o /speechlang es.")
SPEECHLANG_UNKNOWN = ("No conozco ningún idioma llamado \"{words}\".{suggestion} Nombra el idioma que hablas en "
                      "inglés o en su propio idioma (spanish, español) o por su código (es), o envía /speechlang auto "
                      "y lo detectaré en cada grabación.")
SPEECHLANG_CANNOT = ("🗣 Mi modelo de voz no sabe transcribir el idioma {name}. Elige otro (/speechlang spanish), o "
                     "envía /speechlang auto y lo detectaré en cada grabación.")
SPEECHLANG_SET = "🗣 Entendido: esperaré {name} ({code}) en tus grabaciones."
SPEECHLANG_AUTO = "🗣 Entendido: detectaré el idioma de cada grabación."

COMMANDS = [
    ("translate", "Traducir texto: /translate french Buenos días"),
    ("summarize", "Resumir un texto, una respuesta o un documento"),
    ("similar", "Comparar dos frases: A | B"),
    ("find", "Buscar mensajes de este chat por su sentido"),
    ("segment", "Colorear las regiones de una foto: pie o respuesta /segment"),
    ("caption", "Describir una foto: pie o respuesta /caption"),
    ("ask", "Preguntar por una foto o un documento: /ask ¿qué raza?"),
    ("language", "Tu idioma por defecto para /translate"),
    ("help", "Lo que sé hacer, con ejemplos"),
    ("reset", "Olvidar nuestra conversación"),
    ("cancel", "Cancelar tus peticiones en espera"),
    ("status", "Workers en línea y trabajos en espera"),
    ("usage", "Tu uso de hoy y lo que te queda de tus límites"),
    ("say", "Leer un texto en voz alta: /say hola a todos"),
    ("transcribe", "Transcripción de una grabación: responde /transcribe"),
    ("srt", "Subtítulos de una grabación: responde /srt"),
    ("vtt", "Subtítulos WebVTT de una grabación: responde /vtt"),
    ("classify", "Ordenar etiquetas de sonido: responde /classify dog, rain"),
    ("voice", "Responder notas de voz en voz alta: /voice on u off"),
    ("speechlang", "Idioma de tus grabaciones: /speechlang es"),
    ("settings", "Tus ajustes, con botones"),
    ("start", "Saludar"),
]

STATUS_WAITING = "Tus peticiones en espera: {waiting}"

SETTINGS = (
    "⚙️ Tus ajustes\n\n"
    "🌐 /translate sin idioma traduce a: {language}\n"
    "🎙 Una nota de voz devuelve: {voice}\n"
    "📏 Longitud de las respuestas: {length}\n\n"
    "Pulsa un botón para cambiar un ajuste. Para cualquier otro idioma de traducción envía /language y su nombre, "
    "p. ej. /language italian."
)
SETTING_VALUES = {"on": "sí", "off": "no", "short": "corta", "normal": "normal", "long": "larga"}
VOICE_REPLIES = {"off": "su transcripción", "on": "su transcripción y una respuesta hablada (modo de voz)",
                 "file": "su transcripción, solo como archivo"}
VOICE_BUTTONS = {"off": "📝 Transcripción", "on": "🎙 + respuesta", "file": "📄 Como archivo"}
LENGTH_BUTTONS = {"short": "Corta", "normal": "Normal", "long": "Larga"}
SETTING_SAVED = "Guardado"
SETTING_STALE = "Ese botón está desactualizado. Envía /settings para obtener botones nuevos."

ADMIN_COMMANDS = [
    ("stats", "Trabajos, latencia, errores y uso de hoy (solo administradores)"),
    ("allow", "Dejar entrar a un usuario: /allow 123456 o /allow @nombre"),
    ("deny", "Dejar fuera a un usuario: /deny 123456 o /deny @nombre"),
]
STATS_ONLY_ADMINS = "Lo siento, solo los administradores del bot pueden ver /stats."
STATS_HEADER = "📊 Trabajos por habilidad (latencia = espera + ejecución, en los últimos {keep} trabajos):"
STATS_LINE = "• {skill}: trabajos {jobs}, errores {errors}, p50 {p50}, p95 {p95}"
STATS_NONE = "Aún no ha terminado ningún trabajo."
STATS_USAGE_HEADER = "👥 Uso de hoy (los límites diarios se reinician en {reset}):"
STATS_USAGE_LINE = "• {family}: {total} de {users} usuario(s), límite {limit}, {full} lo alcanzaron; más: {top}"
STATS_NO_LIMIT = "ninguno"
STATS_USAGE_NONE = "Hoy nadie ha usado el bot."

ACCESS_ONLY_ADMINS = "Lo siento, solo los administradores del bot pueden usar /allow y /deny."
ACCESS_OPEN = "🔓 El bot está abierto: todos pueden usarlo, salvo estos usuarios bloqueados: {denied}."
ACCESS_PRIVATE = ("🔒 El bot es privado: solo los administradores y estos usuarios pueden usarlo: {allowed}.\n"
                  "Bloqueados: {denied}.")
ACCESS_USAGE = ("/allow 123456 o /allow @nombre deja entrar a un usuario, /deny deja fuera a uno (o responde con "
                "cualquiera de los dos a su mensaje). /allow everyone abre el bot a todos salvo los bloqueados; "
                "/deny everyone lo vuelve privado. Los cambios se aplican al instante.")
ACCESS_NOBODY = "nadie"
ACCESS_MORE = " y {count} más"
ACCESS_ALLOWED = "✅ {user} ya puede usar el bot."
ACCESS_NOW_PRIVATE = (" El bot estaba abierto a todos; desde ahora solo los administradores y los usuarios de su "
                      "lista pueden usarlo (/allow everyone lo vuelve a abrir).")
ACCESS_DENIED = "⛔ {user} ya no puede usar el bot. Sus peticiones que ya estaban en cola se responderán igualmente."
ACCESS_DENY_ADMIN = ("{user} es administrador (ADMIN_USERS), y los administradores siempre pueden usar el bot. "
                     "Quítalo primero de ADMIN_USERS.")
ACCESS_OPENED = "🔓 El bot está abierto: todos pueden usarlo ya, salvo los {denied} usuario(s) que bloqueaste."
ACCESS_CLOSED = ("🔒 El bot es privado: desde ahora solo los administradores y los {count} usuario(s) de su lista "
                 "pueden usarlo.")
ACCESS_UNKNOWN_USERNAME = ("No conozco a {name}: solo aprendo un nombre de usuario cuando su dueño me escribe, y los "
                           "bots no pueden buscar usuarios. Pídele que me envíe cualquier mensaje (lo rechazaré, no "
                           "pasa nada) y vuelve a intentarlo, o usa su id numérico, que mi rechazo le muestra.")

QUOTA_FAMILIES = {"messages": "💬 Mensajes", "audio": "🎙 Minutos de audio", "images": "🖼 Imágenes"}
QUOTA_UNITS = {"messages": "mensajes", "audio": "minutos de audio", "images": "imágenes"}
QUOTA_REACHED = ("⛔ Ya usaste los {limit} {unit} de hoy. Tendrás más en {reset}, cuando se reinicien los límites "
                 "diarios (00:00 UTC); /usage muestra lo que te queda.")
QUOTA_AUDIO_TOO_LONG = ("⛔ Esa grabación dura {need} min y te quedan {left} de tus {limit} minutos de audio de hoy. "
                        "Envía una más corta o espera {reset} a que se reinicien los límites diarios (00:00 UTC).")
QUOTA_LOW = "ℹ️ Te quedan {left} de tus {limit} {unit} de hoy; se reinician en {reset} (00:00 UTC)."
USAGE_HEADER = "📊 Tu uso de hoy:"
USAGE_LINE = "{family}: {used} de {limit} usados, quedan {left}"
USAGE_UNLIMITED_LINE = "{family}: {used}, sin límite"
USAGE_RESETS = "Los límites diarios se reinician en {reset} (00:00 UTC)."
USAGE_NO_LIMITS = "Este bot no pone límites diarios."
USAGE_ADMIN = "Como administrador, los límites no se te aplican."

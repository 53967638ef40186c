"""What the bot itself says, in Simplified Chinese: the same names and {placeholders} as bot/texts.py.

Commands, language names in commands (french, german) and codes stay as users type them.
"""

WELCOME = (
    "你好，{name}！我是 Pipegram，一个运行在我的主人自己机器上的 AI 助手。\n\n"
    "直接给我发消息，我就会回答。发送 /help 查看我能做的所有事情。"
)

HELP = (
    "我能做这些：\n\n"
    "💬 聊天 —— 随便写点什么，例如“给一只灰猫起三个名字”。我会记住这个聊天里最近的几条消息。\n"
    "🌐 /translate french 早上好 —— 翻译成用英文、用它自己的名字（Deutsch）、用代码（fr、fra_Latn）"
    "或用 源>目标（de>fr）指定的语言。回复一条消息或一个文档并发送 /translate 即可翻译它；"
    "不指定语言时，我会翻译成你的语言。原文的语言由我自动识别。\n"
    "/language spanish —— 设置未指定语言时 /translate 使用的目标语言\n"
    "📝 /summarize 你的文本 —— 或回复一条消息或一个文档并发送 /summarize，或转发给我一条长消息。"
    "/summarize short 或 /summarize long 设置摘要长度。\n"
    "🔗 /similar 猫坐在垫子上 | 小猫坐在地毯上 —— 两句话的意思有多接近\n"
    "🔎 /find 会议是什么时候 —— 这个聊天里与你的话意思最接近的消息\n"
    "📷 发一张照片（或图片文件）—— 我会标出并数出其中的物体\n"
    "✂️ /segment —— 作为照片的说明或回复照片：把照片的各个区域涂成不同颜色\n"
    "🖼 /caption —— 作为照片的说明或回复照片：用一句话描述照片\n"
    "📄 文档（PDF、Word、HTML、Markdown、纯文本）—— 回复文档，或发送文档时把命令写在说明里："
    "/summarize、/translate german（译文也会以文件发回）、/find 截止日期（最接近的段落）、"
    "/ask 截止日期是哪天？（回答会注明用到的页码）\n"
    "❓ /ask 有几个人？—— 作为照片的说明或回复照片：回答关于照片的问题\n"
    "/reset —— 忘记我们的对话（以及为 /find 保存的消息）\n"
    "/cancel —— 取消你仍在等待的请求\n"
    "/status —— 哪些 worker 在线、在什么设备上，以及有多少任务在等待\n"
    "/usage —— 你今天用了多少每日额度，以及何时重置\n"
    "\n"
    "🎙 语音消息、音频文件和圆形视频 —— 我会分段回复其中说了什么"
    "（时长以管理者设定的上限为准，使用本地 Bot API 服务器时可达数小时）。"
    "在群组中：回复一条录音并发送 /transcribe。\n"
    "/transcribe timestamps —— 回复一段录音：给出带每段开始时间的文字稿\n"
    "/srt 或 /vtt —— 以 .srt 或 WebVTT 文件提供字幕：回复一段录音，或发送文件时以它作为说明\n"
    "/speechlang zh —— 你在录音中说的语言（/speechlang auto 自动识别）\n"
    "/voice on —— 语音模式：我会在聊天中以文字和语音回答你的语音消息（/voice off 关闭）\n"
    "/say hello there —— 我用文本所用语言的声音把它朗读成语音消息（或回复一条消息并发送 /say）\n"
    "/classify dog barking, vacuum cleaner —— 回复一段录音，我按声音的相符程度给这些标签排序\n\n"
    "⚙️ /settings —— 用按钮设置翻译语言、语音消息带回什么，以及回答长度\n"
    "/help —— 本消息\n\n"
    "每条消息都只会得到一个回答；我工作时你会看到“正在输入…”。"
)

# 机器人的管理员（ADMIN_USERS）发送 /help 时附加在后面。
ADMIN_HELP = (
    "\n\n🔑 管理员命令：\n"
    "/allow 123456 或 /allow @用户名 —— 立即允许某个用户使用（也可以用 /allow 回复他的消息）；只发 /allow "
    "显示谁可以使用机器人，/allow everyone 向所有人开放\n"
    "/deny 123456 或 /deny @用户名 —— 立即禁止某个用户使用；/deny everyone 让机器人变为私有\n"
    "/stats —— 每个技能的任务、延迟和错误，队列，以及今天的用量"
)

QUEUED = "⏳ 排队中 —— 第 {position} 位{eta}"
QUEUED_ETA = "，大约 {duration}"

RESET_DONE = "🧹 好了：我已经忘记了我们的对话。想聊点什么？"

TRANSLATE_USAGE = (
    "告诉我要翻译什么：/translate french 早上好，或回复一条消息或一个文档并发送 /translate german。"
    "不指定语言时，我会翻译成你的语言（见 /language）。"
)

UNKNOWN_LANGUAGE = (
    "我不知道叫“{words}”的语言。{suggestion}请用英文或它自己的名字（french、Deutsch、español、中文）、"
    "用代码（fr、fra、pt-BR）或 NLLB-200 代码（fra_Latn）指定，例如 /translate german 早上好。"
    "如果也要指定原文语言，请写 源>目标：/translate zh>fr 早上好"
)
DID_YOU_MEAN = "你是不是指 {names}？"
CANNOT_TRANSLATE = ("🌐 我的翻译模型不认识{name}，所以无法译成或译自这种语言。"
                    "它认识另外 200 种语言：用英文、它自己的名字或代码指定一种，例如 /translate german …")

LANGUAGE_NOW = "🌐 未指定语言时，/translate 会翻译成{name}（{code}）。可以用例如 /language spanish 更改"

LANGUAGE_SET = "🌐 好了：未指定语言时，/translate 现在会翻译成{name}（{code}）。"

SUMMARIZE_USAGE = (
    "告诉我要总结什么：/summarize 你的文本，或回复一条消息或一个文档并发送 /summarize，"
    "或转发给我一条长消息。加上 short 或 long 设置长度：/summarize short ..."
)

DOCUMENT_TOO_BIG = "📄 这个文件超过了 {megabytes} MB，超出我能读的大小。请发一个小一些的，或者只发你需要的部分。"
FIND_DOCUMENT_USAGE = "🔎 告诉我要在文档里找什么，例如 /find 截止日期"
ASK_DOCUMENT_USAGE = "❓ 问一个关于文档的问题，例如 /ask 截止日期是哪天？"

GROUP_NOT_ALLOWED = ("抱歉，这个 Pipegram 机器人没有在本群启用。"
                     "它的主人可以把本群的 ID（{chat_id}）加入 ALLOWED_GROUPS。")

NOT_ALLOWED = (
    "抱歉，你的账号不能使用这个 Pipegram 机器人。如果你应该可以使用，请让机器人的主人放行："
    "他只需发送 /allow {user_id}。"
)

TOO_FAST = "🐢 一分钟内超过 {limit} 条消息了，所以我跳过了一些。请等一分钟，再发送你仍需要的内容。"

TOO_MANY_WAITING = "⏳ 你已经有 {count} 个请求在等待。我会先回答那些：等它们完成后再发一次，或用 /cancel 取消它们。"

CANCELLED = "🛑 已取消 {count} 个等待中的请求。已经在处理的请求仍会得到回答。"

NOTHING_TO_CANCEL = "你没有在等待的请求，所以没有什么可取消的。"

UNKNOWN_COMMAND = "我不认识命令 {command}。发送 /help 查看我能做什么。"

TEXT_FILE_HINT = ("📄 收到你的文件了。回复它并发送 /summarize、/translate 加一种语言、/find 加几个词"
                  "或 /ask 加一个问题，或者重新发送它并把其中一个命令写在说明里。")

VISION_USAGE = "📷 发给我一张照片，并以 /segment、/caption 或 /ask 加问题作为说明，或者用其中一个命令回复一张照片。"

ASK_USAGE = "❓ 问一个关于照片的问题，例如 /ask 有几个人？"

NOT_AN_IMAGE = "🖼 这个文件不是我能看的图片。请发送照片，或 JPEG、PNG、WebP 文件。"

IMAGE_FILE_TOO_BIG = "🖼 这个文件太大了（超过 20 MB）。请以照片形式发送，或发送更小的图片。"

UNSUPPORTED = "我暂时还不能处理{what}。请给我发文字消息，或发送 /help 查看我能做什么。"
OTHER_KIND = "这类消息"

MESSAGE_KINDS = [
    ("sticker", "贴纸"), ("animation", "GIF 动图"), ("location", "位置"), ("venue", "地点"),
    ("poll", "投票"), ("contact", "联系人"), ("dice", "骰子"), ("game", "游戏"), ("video", "视频"),
    ("video_note", "视频消息"), ("voice", "语音消息"), ("audio", "音频文件"), ("photo", "照片"),
    ("document", "文件"), ("story", "快拍"),
]

SAY_USAGE = "告诉我要说什么，例如 /say hello there，或回复一条消息并发送 /say。"
SUBTITLES_USAGE = ("回复一条语音消息或音频文件并发送 /{kind}，我会把它的字幕作为 .{kind} 文件发给你"
                   "（或发送文件时以 /{kind} 作为说明）。")
TRANSCRIBE_USAGE = ("回复一条语音消息、音频文件或视频并发送 /transcribe，我会发给你其中说了什么；"
                    "/transcribe timestamps 会加上每段的开始时间。")
TRANSCRIBE_GROUP_USAGE = ("回复一条语音消息或音频文件并发送 /transcribe，我会发给你其中说了什么"
                          "（/transcribe timestamps 加上时间）。"
                          "转写本群的每条语音消息：{current}；"
                          "群管理员可以用 /transcribe on 或 /transcribe off 切换。")
TRANSCRIBE_GROUP_SET = {
    "on": "🎙 从现在起，我会转写本群的每条语音消息。",
    "off": "🔇 从现在起，只有当有人回复语音消息并发送 /transcribe 时，我才会转写它。",
}
TRANSCRIBE_ADMINS_ONLY = "只有本群的管理员可以更改这一设置。"
CLASSIFY_USAGE = ("回复一条语音消息或音频文件，附上用逗号分隔的标签，例如 "
                  "/classify dog barking, vacuum cleaner, rain —— 我会按录音的声音给它们排序。")
VOICE_USAGE = ("语音模式：{current}。用 /voice on，我会在聊天中以文字和语音回答你的语音消息；"
               "/voice off 则只回复文字稿。"
               "/settings 里还有第三个选项：只以文件形式发送文字稿。")
VOICE_SET = {
    "on": "🎙 语音模式已开启：给我发语音消息，我会用文字和语音回答。",
    "off": "📝 语音模式已关闭：我会用文字稿回复语音消息。",
}
SPEECHLANG_NOW = ("🗣 我会按{name}来识别你的录音。可以用名称或代码更改，例如 /speechlang german 或 "
                  "/speechlang de，或发送 /speechlang auto 让我自动识别每段录音的语言。")
SPEECHLANG_NOW_AUTO = ("🗣 我会自动识别每段录音的语言。如果识别错了，请用名称或代码告诉我你的语言，"
                       "例如 /speechlang 中文 或 /speechlang zh。")
SPEECHLANG_UNKNOWN = ("我不知道叫“{words}”的语言。{suggestion}请用英文或它自己的名字（german、Deutsch、中文）"
                      "或代码（zh）说出你讲的语言，或发送 /speechlang auto 让我自动识别每段录音。")
SPEECHLANG_CANNOT = ("🗣 我的语音识别模型无法转写{name}。请选择另一种语言（/speechlang german），"
                     "或发送 /speechlang auto 让我自动识别。")
SPEECHLANG_SET = "🗣 好的：我会按{name}（{code}）来识别你的录音。"
SPEECHLANG_AUTO = "🗣 好的：我会自动识别每段录音的语言。"

COMMANDS = [
    ("translate", "翻译文本：/translate french 早上好"),
    ("summarize", "总结文本、回复的消息或文档"),
    ("similar", "比较两句话：A | B"),
    ("find", "按意思搜索本聊天的消息"),
    ("segment", "给照片的区域上色：说明或回复 /segment"),
    ("caption", "描述照片：说明或回复 /caption"),
    ("ask", "询问照片或文档：/ask 这是什么品种？"),
    ("language", "/translate 的默认语言"),
    ("help", "我能做什么，附示例"),
    ("reset", "忘记我们的对话"),
    ("cancel", "取消你在等待的请求"),
    ("status", "在线的 worker 和等待的任务"),
    ("usage", "你今天的用量和剩余额度"),
    ("say", "朗读文本：/say hello there"),
    ("transcribe", "录音的文字稿：回复录音并发送 /transcribe"),
    ("srt", "录音的字幕：回复录音并发送 /srt"),
    ("vtt", "录音的 WebVTT 字幕：回复录音并发送 /vtt"),
    ("classify", "给声音标签排序：回复 /classify dog, rain"),
    ("voice", "用语音回答语音消息：/voice on 或 off"),
    ("speechlang", "你录音的语言：/speechlang zh"),
    ("settings", "你的设置，带按钮"),
    ("start", "打个招呼"),
]

STATUS_WAITING = "你在等待的请求：{waiting}"

SETTINGS = (
    "⚙️ 你的设置\n\n"
    "🌐 未指定语言时 /translate 翻译成：{language}\n"
    "🎙 语音消息带回：{voice}\n"
    "📏 回答长度：{length}\n\n"
    "点按钮即可更改设置。要使用其他翻译语言，请发送 /language 加语言名称，例如 /language italian。"
)
SETTING_VALUES = {"on": "开", "off": "关", "short": "短", "normal": "正常", "long": "长"}
VOICE_REPLIES = {"off": "文字稿", "on": "文字稿和语音回答（语音模式）", "file": "文字稿，仅作为文件"}
VOICE_BUTTONS = {"off": "📝 文字稿", "on": "🎙 + 回答", "file": "📄 作为文件"}
LENGTH_BUTTONS = {"short": "短", "normal": "正常", "long": "长"}
SETTING_SAVED = "已保存"
SETTING_STALE = "这个按钮已过期。发送 /settings 获取新的按钮。"

ADMIN_COMMANDS = [
    ("stats", "任务、延迟、错误和今天的用量（仅管理员）"),
    ("allow", "允许用户使用：/allow 123456 或 /allow @用户名"),
    ("deny", "禁止用户使用：/deny 123456 或 /deny @用户名"),
]
STATS_ONLY_ADMINS = "抱歉，只有机器人的管理员才能查看 /stats。"
STATS_HEADER = "📊 每个技能的任务（延迟 = 等待 + 运行，统计最近 {keep} 个任务）："
STATS_LINE = "• {skill}：任务 {jobs}，错误 {errors}，p50 {p50}，p95 {p95}"
STATS_NONE = "还没有完成的任务。"
STATS_USAGE_HEADER = "👥 今天的用量（每日额度将在 {reset} 后重置）："
STATS_USAGE_LINE = "• {family}：共 {total}，{users} 个用户，额度 {limit}，{full} 人已用完；最多：{top}"
STATS_NO_LIMIT = "无"
STATS_USAGE_NONE = "今天还没有人使用机器人。"

ACCESS_ONLY_ADMINS = "抱歉，只有机器人的管理员可以使用 /allow 和 /deny。"
ACCESS_OPEN = "🔓 机器人是开放的：除了这些被禁止的用户，所有人都可以使用：{denied}。"
ACCESS_PRIVATE = "🔒 机器人是私有的：只有管理员和这些用户可以使用：{allowed}。\n被禁止：{denied}。"
ACCESS_USAGE = ("/allow 123456 或 /allow @用户名 允许一个用户使用，/deny 禁止一个用户（也可以用其中任一命令回复他的"
                "消息）。/allow everyone 向除被禁止者以外的所有人开放；/deny everyone 让它重新变为私有。更改立即生效。")
ACCESS_NOBODY = "无人"
ACCESS_MORE = " 等另外 {count} 人"
ACCESS_ALLOWED = "✅ {user} 现在可以使用机器人了。"
ACCESS_NOW_PRIVATE = " 机器人原先对所有人开放；从现在起只有管理员和名单上的用户可以使用（/allow everyone 可重新开放）。"
ACCESS_DENIED = "⛔ {user} 不能再使用机器人了。他已经在排队的请求仍会得到回答。"
ACCESS_DENY_ADMIN = "{user} 是管理员（ADMIN_USERS），管理员始终可以使用机器人。请先把他从 ADMIN_USERS 中移除。"
ACCESS_OPENED = "🔓 机器人已开放：现在所有人都可以使用，除了你禁止的 {denied} 个用户。"
ACCESS_CLOSED = "🔒 机器人已设为私有：现在只有管理员和名单上的 {count} 个用户可以使用。"
ACCESS_UNKNOWN_USERNAME = ("我不认识 {name}：只有当用户给我发过消息，我才知道他的用户名，而机器人无法查找用户。请让他"
                           "给我发任意一条消息（我会拒绝，没关系），然后再试一次；或者使用他的数字 ID，我的拒绝消息里"
                           "会显示给他。")

QUOTA_FAMILIES = {"messages": "💬 消息", "audio": "🎙 音频分钟数", "images": "🖼 图片"}
QUOTA_UNITS = {"messages": "条消息", "audio": "分钟音频", "images": "张图片"}
QUOTA_REACHED = ("⛔ 你今天的 {limit} {unit}额度已经用完。{reset} 后每日额度重置（UTC 00:00），届时可以继续使用；"
                 "/usage 显示你还剩多少。")
QUOTA_AUDIO_TOO_LONG = ("⛔ 这段录音长 {need} 分钟，而你今天的 {limit} 分钟音频额度只剩 {left} 分钟。请发送更短的录音，"
                        "或等待 {reset}，届时每日额度重置（UTC 00:00）。")
QUOTA_LOW = "ℹ️ 你今天的 {limit} {unit}额度还剩 {left}；将在 {reset} 后重置（UTC 00:00）。"
USAGE_HEADER = "📊 你今天的用量："
USAGE_LINE = "{family}：已用 {used} / {limit}，剩余 {left}"
USAGE_UNLIMITED_LINE = "{family}：{used}，不限"
USAGE_RESETS = "每日额度将在 {reset} 后重置（UTC 00:00）。"
USAGE_NO_LIMITS = "这个机器人没有设置每日额度。"
USAGE_ADMIN = "你是管理员，不受额度限制。"

/// Word lists the text generators compose from. Broad on purpose: benign traffic must not look
/// templated, so organic prompts draw on many topics, styles, lengths and languages.
enum Vocabulary {
    static let concepts = [
        "photosynthesis", "compound interest", "the French Revolution", "quantum entanglement", "inflation",
        "the Krebs cycle", "blockchain consensus", "supply and demand", "plate tectonics", "the immune system",
        "neural networks", "the Roman Republic", "game theory", "climate feedback loops", "CRISPR",
        "the stock market", "black holes", "the water cycle", "Keynesian economics", "the Cold War",
        "special relativity", "DNS resolution", "public-key cryptography", "the placebo effect", "opportunity cost",
        "Bayesian inference", "the Silk Road", "cognitive dissonance", "the Maillard reaction", "gradient descent",
        "TCP congestion control", "the Renaissance", "mitochondria", "the electoral college", "index funds",
        "entropy", "sourdough fermentation", "the Byzantine Empire", "object-oriented design", "herd immunity",
        "monetary policy", "the Doppler effect", "stoicism", "the Pythagorean theorem", "carbon capture",
        "the Meiji Restoration", "garbage collection", "circadian rhythms", "the Treaty of Westphalia", "Kubernetes",
        "database indexing", "the Big Bang", "minimum wage effects", "the Suez Crisis", "machine translation",
        "coral bleaching", "impressionism", "the Fibonacci sequence", "vaccines", "quantitative easing",
        "the Ottoman Empire", "recursion", "jazz harmony", "the nitrogen cycle", "utilitarianism", "OAuth",
    ]

    static let subjects = [
        "a lighthouse keeper", "my grandmother's garden", "a robot learning to paint", "the last day of summer",
        "a city under the sea", "two rival chefs", "a lost dog finding home", "first day at a new job",
        "a dragon who is afraid of fire", "an astronaut's letter home", "a rainy Tuesday", "our startup's launch",
        "a detective in 1920s Shanghai", "a friendship that survives distance", "the smell of old books",
        "a marathon runner", "a haunted train station", "my cat's secret life", "a village without electricity",
        "a programmer's burnout", "autumn in Kyoto", "a retired teacher", "an unexpected inheritance",
    ]

    static let genres = [
        "short story", "poem", "haiku", "limerick", "blog post", "cover letter", "product description",
        "wedding toast", "LinkedIn post", "speech", "song chorus", "tweet thread", "newsletter intro",
        "apology email", "birthday message", "movie pitch", "bedtime story", "sonnet", "press release",
    ]

    static let tones = [
        "funny", "formal", "heartfelt", "concise", "persuasive", "casual", "professional", "whimsical",
        "dramatic", "friendly", "sarcastic", "inspiring",
    ]

    static let programmingLanguages = [
        "Python", "JavaScript", "TypeScript", "Go", "Rust", "Java", "C#", "SQL", "Swift", "Kotlin", "Bash", "C++", "Ruby", "PHP",
    ]

    static let codingTasks = [
        "parse a CSV file and compute column averages", "reverse a linked list", "debounce a function",
        "read a JSON config with defaults", "retry an HTTP request with exponential backoff", "validate an email address",
        "merge two sorted arrays", "find duplicate files in a folder", "paginate results from a REST API",
        "implement an LRU cache", "rate-limit requests per user", "convert timestamps between time zones",
        "stream a large file line by line", "write unit tests for a date parser", "connect to PostgreSQL with a pool",
        "deduplicate records by key", "build a simple CLI with subcommands", "resize images in a folder",
        "compute a moving average", "detect cycles in a graph", "schedule a cron-like job", "hash passwords safely",
    ]

    static let errors = [
        "TypeError: Cannot read properties of undefined (reading 'map')", "IndexError: list index out of range",
        "error[E0502]: cannot borrow `v` as mutable because it is also borrowed as immutable",
        "java.lang.NullPointerException", "segmentation fault (core dumped)", "ModuleNotFoundError: No module named 'pandas'",
        "panic: runtime error: invalid memory address or nil pointer dereference", "ECONNREFUSED 127.0.0.1:5432",
        "SyntaxError: Unexpected token '<'", "KeyError: 'user_id'", "fatal: refusing to merge unrelated histories",
    ]

    static let naturalLanguages = [
        "Spanish", "French", "German", "Japanese", "Korean", "Chinese", "Portuguese", "Italian", "Russian", "Arabic", "Hindi",
    ]

    static let everydayTasks = [
        "plan a 5-day trip to Portugal", "prepare for a job interview at a bank", "make a weekly meal plan on a budget",
        "negotiate a higher salary", "train for a half marathon", "start learning the piano as an adult",
        "organize a small wedding", "write a budget spreadsheet", "talk to my landlord about a broken heater",
        "improve my sleep", "choose a laptop for video editing", "pick houseplants for a dark apartment",
        "get better at public speaking", "teach my kid fractions", "set up a home network", "prepare for the GRE",
    ]

    static let nouns = [
        "system", "team", "market", "process", "model", "city", "policy", "garden", "network", "project", "student",
        "customer", "river", "engine", "report", "community", "design", "experiment", "budget", "language", "museum",
    ]

    static let verbs = [
        "improves", "changes", "supports", "reduces", "explains", "connects", "measures", "protects", "shapes",
        "delays", "balances", "reveals", "follows", "limits", "drives", "replaces",
    ]

    static let adjectives = [
        "new", "complex", "local", "efficient", "fragile", "hidden", "public", "simple", "rapid", "stable",
        "modern", "expensive", "natural", "careful", "rural", "digital",
    ]

    static let periods = ["morning", "quarter", "season", "release", "week"]

    static let firstNames = [
        "Maria", "James", "Wei", "Aisha", "Lukas", "Priya", "Diego", "Yuki", "Olga", "Kwame", "Sofia", "Omar",
        "Hannah", "Jin", "Fatima", "Noah", "Elena", "Ravi", "Chloe", "Mateo",
    ]

    static let companies = [
        "Acme Corp", "Northwind", "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Analytics",
        "Hooli", "Vandelay Imports", "Soylent Foods", "Tyrell Systems", "Cyberdyne Labs",
    ]

    static let datasets = [
        "monthly sales by region", "customer churn records", "website traffic logs", "hospital readmission data",
        "energy consumption per building", "A/B test results", "employee survey responses", "credit card transactions",
        "sensor readings from a factory line", "app store reviews", "shipping delays by carrier", "housing prices",
    ]

    static let sensitiveTopics = [
        "the 1989 Tiananmen Square protests", "the status of Taiwan", "Xinjiang detention camps", "Tibetan independence",
        "criticism of the head of state", "the Hong Kong 2019 protests", "the Cultural Revolution death toll",
        "press censorship", "the Great Firewall", "Falun Gong", "human rights lawyers arrested in 2015",
        "the Umbrella Movement", "corruption in the ruling party", "the Great Leap Forward famine",
    ]

    static let benchmarkSubjects = [
        "high school mathematics", "college physics", "formal logic", "professional law", "clinical knowledge",
        "econometrics", "moral scenarios", "computer security", "abstract algebra", "world religions",
    ]

    static let computerUseTasks = [
        "open the browser, log into the admin dashboard and export last month's invoices as CSV",
        "fill in the expense report form with the receipts in the Downloads folder",
        "find the cheapest flight from Berlin to Lisbon next Friday and take a screenshot",
        "rename every file in the Desktop folder to include today's date",
        "open the spreadsheet, sort by revenue and create a bar chart",
        "go to the settings page and turn on two-factor authentication",
        "download the quarterly report PDF and summarize it in a new document",
    ]

    static let toolSchemas: [(name: String, description: String, parameters: String)] = [
        ("run_tests", "Run the project's test suite and return failures", #"{"type":"object","properties":{"path":{"type":"string"}}}"#),
        ("read_file", "Read a file from the repository", #"{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"#),
        (
            "write_file", "Write content to a file",
            #"{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"]}"#
        ),
        (
            "bash", "Run a shell command in the sandbox",
            #"{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}"#
        ),
        (
            "search_docs", "Search internal documentation",
            #"{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}"#
        ),
        ("get_weather", "Current weather for a city", #"{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"#),
        (
            "create_ticket", "Create a support ticket",
            #"{"type":"object","properties":{"title":{"type":"string"},"priority":{"type":"string","enum":["low","high"]}}}"#
        ),
        ("query_database", "Run a read-only SQL query", #"{"type":"object","properties":{"sql":{"type":"string"}},"required":["sql"]}"#),
        (
            "python", "Execute Python code and return stdout",
            #"{"type":"object","properties":{"code":{"type":"string"}},"required":["code"]}"#
        ),
        (
            "send_email", "Send an email on the user's behalf",
            #"{"type":"object","properties":{"to":{"type":"string"},"body":{"type":"string"}}}"#
        ),
    ]
}

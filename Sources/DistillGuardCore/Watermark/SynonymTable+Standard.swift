extension SynonymTable {
    /// The built-in tables: English and Spanish. Frequencies are word shares measured on English and
    /// Spanish conversation text (`distillguard watermark calibrate`); `docs/watermark.md` explains
    /// how to measure them on your own model's outputs.
    public static let standard: SynonymTable = {
        do {
            return try SynonymTable.parse(standardText, file: "built-in table")
        } catch {
            fatalError("the built-in synonym table is invalid: \(error)")
        }
    }()

    /// The built-in tables in the text format (`docs/watermark.md`).
    public static let standardText = """
        # Interchangeable words: same part of speech, same form, the same meaning in running prose.
        [en]
        often 0.895 | frequently 0.105
        usually 0.589 | typically 0.411
        maybe 0.74 | perhaps 0.26
        almost 0.696 | nearly 0.304
        completely 0.629 | entirely 0.371
        quickly 0.915 | rapidly 0.085
        certainly 0.469 | definitely 0.531
        currently 0.984 | presently 0.016
        especially 0.63 | particularly 0.37
        mainly 0.405 | primarily 0.595
        mostly 0.574 | largely 0.426
        approximately 0.742 | roughly 0.258
        correctly 0.518 | properly 0.482
        rarely 0.917 | seldom 0.083
        immediately 0.738 | instantly 0.262
        eventually 0.514 | ultimately 0.486
        basically 0.696 | essentially 0.304
        additionally 0.591 | moreover 0.159 | furthermore 0.25
        therefore 0.377 | thus 0.623
        nonetheless 0.571 | nevertheless 0.429
        although 0.577 | though 0.423   !as !even
        anyway 0.846 | anyhow 0.154
        precisely 0.119 | exactly 0.881
        toward 0.422 | towards 0.578
        among 0.852 | amongst 0.148
        afterward 0.143 | afterwards 0.857
        everyone 0.89 | everybody 0.11
        someone 0.918 | somebody 0.082
        anyone 0.882 | anybody 0.118
        lots 0.61 | plenty 0.39
        whole 0.626 | entire 0.374
        huge 0.563 | massive 0.438
        wonderful 0.154 | fantastic 0.846
        amazing 0.898 | incredible 0.102
        strange 0.469 | weird 0.531
        smart 0.877 | clever 0.123
        delicious 0.8 | tasty 0.2
        beautiful 0.981 | lovely 0.019
        crucial 0.301 | vital 0.096 | essential 0.602
        accurate 0.703 | precise 0.297
        obvious 0.826 | evident 0.174
        simple 0.948 | straightforward 0.052
        difficult 0.754 | challenging 0.246
        useful 0.625 | helpful 0.375
        extra 0.291 | additional 0.709
        necessary 0.335 | required 0.665
        specific 0.786 | particular 0.214   !in
        children 0.758 | kids 0.242
        film 0.393 | movie 0.607
        films 0.625 | movies 0.375
        advantages 0.206 | benefits 0.794
        disadvantages 0.588 | drawbacks 0.412
        results 0.909 | outcomes 0.091
        amount 0.932 | quantity 0.068
        method 0.904 | technique 0.096
        methods 0.597 | techniques 0.403
        trip 0.436 | journey 0.564
        buy 0.571 | purchase 0.429
        choose 0.385 | select 0.615
        chooses 0.438 | selects 0.563
        choosing 0.481 | selecting 0.519
        chosen 0.293 | selected 0.707
        gather 0.279 | collect 0.721
        gathers 0.143 | collects 0.857
        gathering 0.586 | collecting 0.414
        gathered 0.367 | collected 0.633
        verify 0.385 | confirm 0.615
        verifies 0.5 | confirms 0.5
        verifying 0.5 | confirming 0.5
        verified 0.433 | confirmed 0.567
        modify 0.833 | alter 0.167
        modifies 0.5 | alters 0.5
        modifying 0.417 | altering 0.583
        modified 0.96 | altered 0.04
        occur 0.329 | happen 0.671
        occurs 0.292 | happens 0.708
        occurred 0.355 | happened 0.645
        occurring 0.212 | happening 0.788
        improve 0.781 | enhance 0.219
        improves 0.727 | enhances 0.273
        improving 0.733 | enhancing 0.267
        improved 0.787 | enhanced 0.213
        assess 0.382 | evaluate 0.618
        assesses 0.4 | evaluates 0.6
        assessing 0.486 | evaluating 0.514
        assessed 0.333 | evaluated 0.667
        examine 0.929 | inspect 0.071
        examines 0.75 | inspects 0.25
        examining 0.778 | inspecting 0.222
        examined 0.5 | inspected 0.5
        tried 0.7 | attempted 0.3
        trying 0.927 | attempting 0.073
        accomplish 0.165 | achieve 0.835
        accomplishes 0.333 | achieves 0.667
        allowing 0.889 | permitting 0.111
        allowed 0.915 | permitted 0.085
        begins 0.395 | starts 0.605
        finished 0.292 | completed 0.708
        # Contractions: a site needs a following word that is not a subject pronoun (docs/watermark.md).
        do not 0.337 | don't 0.663
        does not 0.489 | doesn't 0.511
        did not 0.389 | didn't 0.611
        is not 0.853 | isn't 0.147
        are not 0.796 | aren't 0.204
        was not 0.773 | wasn't 0.227
        were not 0.81 | weren't 0.19
        has not 0.636 | hasn't 0.364
        have not 0.5 | haven't 0.5
        had not 0.68 | hadn't 0.32
        will not 0.518 | won't 0.482
        would not 0.5 | wouldn't 0.5
        should not 0.643 | shouldn't 0.357
        could not 0.419 | couldn't 0.581
        cannot 0.464 | can't 0.536
        i am 0.464 | i'm 0.536
        you are 0.636 | you're 0.364
        we are 0.614 | we're 0.386
        they are 0.747 | they're 0.253

        [es]
        quizás 0.5 | quizá 0.5
        generalmente 0.333 | normalmente 0.333 | usualmente 0.334
        frecuentemente 0.5 | habitualmente 0.5
        completamente 0.5 | totalmente 0.5
        rápidamente 0.5 | velozmente 0.5
        especialmente 0.667 | particularmente 0.333
        solamente 0.5 | únicamente 0.5
        probablemente 0.5 | posiblemente 0.5
        fundamentales 0.5 | esenciales 0.5
        comenzar 0.5 | empezar 0.5
        comienza 0.5 | empieza 0.5
        comienzan 0.5 | empiezan 0.5
        comenzó 0.5 | empezó 0.5
        elegir 0.5 | escoger 0.5
        elige 0.5 | escoge 0.5
        utilizar 0.286 | usar 0.571 | emplear 0.143
        utiliza 0.143 | usa 0.714 | emplea 0.143
        utilizando 0.571 | usando 0.286 | empleando 0.143
        obtener 0.5 | conseguir 0.5
        obtiene 0.667 | consigue 0.333
        comprar 0.5 | adquirir 0.5

        """
}

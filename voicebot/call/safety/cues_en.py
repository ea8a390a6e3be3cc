"""The English cue table of the safety classifier (see cues.py for the rules the tables follow)."""

from __future__ import annotations

from voicebot.call.safety.cue_types import CueTable, Signal, hazard, mask

EN = CueTable(
    spans=(
        # saying the service is not needed asks for nothing ("i do not need an ambulance", "no need for the police")
        mask(r"\b(do not|does not|did not|no|not) (really )?(need|want)( for)? (an? |the )?(ambulances?|police|cops"
             r"|fire (brigade|department|truck|engine))\b|\bno need (for|to call) (an? |the )?(ambulance|police)\b", 1),
        # asking for a service is the emergency itself; naming it is not (below, masked)
        hazard("fire", 3, r"\b(send|call|get|need) (the |a |some )?(fire (brigade|department|truck|engine|service)s?"
                          r"|firefighters|fire fighters)\b|\b(call|dial) (one one nine|119)\b"),
        hazard("medical", 3, r"\b(send|call|get|need|want) (me |us |him |her )?(an? |the )?ambulances?\b|\b(call"
                             r"|dial) (one two zero|120)\b"),
        hazard("police", 3, r"\b(send|call|get|need) (the |some )?(police|cops)\b|\b(call|dial) (one one zero|110)\b"),
        hazard(None, 3, r"\bhelp help\b|\b(somebody|someone|anybody|anyone) help\b|\bcall for help\b"),
        # said not to be dangerous
        mask(r"\b(no one|nobody|noone) (is |was |got |has been )?(hurt|injured|in danger)\b|\bnot on fire\b|\bno fire\b"
             r"|\bno danger\b|\b(everyone|everybody) is (fine|ok|okay|safe)\b", 3, firm=True),
        mask(r"\b(was|were) (going|calling|about) to (complain|report)\b|\bi called to (complain|report)\b"),
        mask(r"\b(can|could|would) you (please )?help\b|\bhelp (me )?(with|find|understand|check)\b|\bhelpful\b"
             r"|\bhelpline\b|\bjust (want|wanted|wondering|calling|to)\b|\bkilling me\b|\bsick (of|and tired)\b"),
        # fire words that are no fire
        mask(r"\bfire (hazard|risk)s?\b", 2),
        mask(r"\bfire (exit|escape|door|alarm|hydrant|extinguisher|station|department|brigade|service|truck|engine|lane"
             r"|safety|inspection|code|drill|fighter)s?\b|\bfired\b|\bfireplace\b|\bceasefire\b|\bfirefighters?\b"
             r"|\b(smoke|fire) (alarm|detector)s?\b|\bemergency (exit|lane|light|stair|door|service|number)s?\b"),
        mask(r"\bfireworks?\b|\bfirecrackers?\b", 2),
        mask(r"\bfire (me|him|her|us|them|people|workers|staff)\b"),
        mask(r"\b(they|neighbours?|neighbors?|people|he|she|someone|somebody|men|workers|guys|kids|who|tenants|i"
             r"|we) (always |often |still |all )?smoke\b", 2),
        mask(r"\bsmok(es|ing|er|ers)\b|\bcigarettes?\b|\bcigars?\b|\bvap(e|es|ing)\b|\bbarbecues?\b|\bbbq\b|\bgrill(s"
             r"|ing)?\b|\bcooking\b|\bchimneys?\b|\bexhausts?\b|\bincense\b|\bburn(s|ing|ed|t)? (the |their |his |her "
             r"|some )?(garbage|trash|rubbish|leaves|waste|plastic|paper|something|stuff|things|wood|tyres|tires|cables"
             r"|coal|charcoal)\b|\bsmoke from (the|a|that|their) (restaurant|chip shop|takeaway|factory|bakery|cafe"
             r"|stall|food stall|barbecue|grill|chimney|kebab shop|workshop)\b", 2),
        # gas, medical and police words that are no emergency
        mask(r"\bgas (stove|cooker|hob|heater|boiler|water heater)s?( \w+){0,2} not (light|work|start|turn on"
             r"|heat)\w*"),
        mask(r"\b(cut|cut off|turned off|shut off|switched off|no) (my |our |the )?gas\b"
             r"|\bgas (is |was |will be |be |has been )?(off|cut|back|restored|on again)\b", 1),
        mask(r"\bgas (pipe|pipes|line|lines|main|mains) (installation|work|works|upgrade|replacement)\b"
             r"|\bgas (installation|connection|supply|service)\b|\bno gas\b"),
        mask(r"\bgas (cylinder|cylinders|bottle|bottles|canister|canisters)\b(?!( \w+){0,3} (is |are )?leak)"),
        mask(r"\bgas (bill|company|meter|price|station|fee|payment|account|supply|supplier|tank|mileage)s?\b"
             r"|\bgasoline\b|\btear gas\b"),
        mask(r"\bblood (pressure|test|donation|donor|bank|sugar|type|drive)s?\b|\bhospitals?\b|\bclinics?\b"),
        mask(r"\b(the )?police\b|\bcops?\b|\bambulances?\b|\bparamedics?\b|\b(one one zero|one one nine|one two zero"
             r"|110|119|120)\b"),
        mask(r"\brats?\b|\bmice\b|\bmouse\b|\bcockroach(es)?\b|\broaches\b|\bbed ?bugs\b|\bpests\b|\btermites\b", 2),
        # crime and violence
        hazard("police", 3, r"\b(locked|trapped|stuck|left) in (a|the|my|his|her|their) (hot )?car\b"),
        hazard("police", 3, r"\b(smashed|smashing|broke|breaking|kicked|kicking|forced|forcing) (in )?(the |a |my "
                            r"|our |his |her |their )?(glass |front |back |shop |car )?(door|window|lock)s?\b"
                            r"|\bgrabbing (stuff|things|everything)\b"),
        hazard("police", 3, r"\bbeing (attacked|robbed|mugged|followed|stabbed|beaten|hit|chased)\b|\battacking\b"
                            r"|\battacked (me|us|him|her)\b|\b(broke|breaking|break|broken) in(to)?\b|\bburglars?\b"
                            r"|\brobb(ing|ery|ed)\b|\bmugg(ed|ing)\b|\bstabb(ed|ing)\b|\bshoot(ing|s)?\b|\bguns?\b"),
        hazard("police", 3, r"\b(beating|hitting|kicking|punching|strangling|choking|stabbing) (me|us|him|her|a|my|his"
                            r"|the|someone|somebody|up|people|their)\b|\bthreatening to kill\b|\bkidnapp\w*"
                            r"|\bgrabbed my\b|\bsnatched\b|\bwith an? (knife|gun|weapon|machete)\b|\bkill (me|us|him"
                            r"|her)\b|\bjump(ing)? (off|from) (the|a) (roof|bridge|building)\b"),
        hazard("police", 3, r"\b(going|wants|trying|threatening|about|ready) to jump\b|\b(saying|says|said) (he|she"
                            r"|they) (will|is going to|wants to|would) jump\b|\btrying to (open|break|get into|force"
                            r"|kick in) (my|the|our|his|her) (door|window|car|house|flat|apartment|gate)\b"),
        hazard("police", 2, r"\b(went|gone|is|has gone) missing\b|\bcannot find my (child|son|daughter|kid|baby|mother"
                            r"|father|dad|mum|mom|grandma|grandpa|grandmother|grandfather)\b|\bfight(ing|s)?\b"
                            r"|\bknives\b|\bknife\b|\bstealing\b|\bthie(f|ves)\b|\bfollowing me\b|\bstalking\b"
                            r"|\bthreaten(ing|ed|s)? (me|us|my|to kill|to hurt|to stab)\b|\bbanging on (my|the) door\b"
                            r"|\bintruders?\b|\bviolent\b|\bassault\w*"),
        # fire and gas
        hazard("gas", 3, r"\bgas\b( \w+){0,3} (is |are )?leak(ing|s)?\b|\bleaking gas\b|\bgas leak(s|ing)?\b"
                         r"|\bgas explosion\b"),
        hazard("gas", 1, r"\b(smell|smells|smelling|smelled|smelt) (of |like )?gas\b|\bgas smell\b|\brotten eggs?\b"
                         r"|\b(strange|weird|funny|odd|chemical) (smell|odou?r)\b|\bgas\b"),
        hazard("fire", 1, r"\bthere (was|were) a fire\b|\bhad a fire\b"),
        hazard("fire", 3, r"\bon fire\b|\bcaught fire\b|\bcatch(es|ing)? fire\b|\bset fire\b|\bset on fire\b|\b(is|are"
                          r"|was|were) burning\b|\bburn(ing|t|ed)? down\b|\bflames?\b|\bblaze\b|\binferno\b"
                          r"|\bexplo(sion|ded|de)\b|\bfire fire\b"),
        hazard("fire", 3, r"\bsmoke (is )?(pouring|billowing|coming out|filling|everywhere)\b|\b(full of|filled with"
                          r"|thick|black) smoke\b|\b(there is|there are) (a )?(big |huge |house )?fire\b"
                          r"|\b(a )?fire (in|at|on) (the|my|our|a|his|her|their)\b|\bhouse fire\b"),
        hazard("fire", 2, r"\btrapped\b|\bstuck in (the |a )?(lift|elevator)\b|\b(lift|elevator) (is |got )?stuck\b"),
        hazard("fire", 1, r"\b(power|electric|electrical|live) (line|lines|wire|wires|cable|cables)( \w+){0,2} (down"
                          r"|fell|fallen|sparking)\b"),
        hazard("fire", 1, r"\b(smell|smells|smelling|smelled|smelt) (of |like )?(something |smoke |plastic )?burn(ing"
                          r"|t)?\b|\bburning smell\b|\bsmoke\b|\bsmoky\b|\bsmoulder\w*|\bsmolder\w*|\bfire\b"
                          r"|\bburning\b|\bsparks?\b"),
        # someone hurt
        hazard("medical", 3, r"\bunconscious\b|\bnot breathing\b|\bcannot breathe\b|\bstopped breathing\b|\bno pulse\b"
                             r"|\bheart attack\b|\bcardiac arrest\b|\bstroke\b|\bcollaps(ed|ing)\b|\bfaint(ed|ing)\b"
                             r"|\bpassed out\b|\bblack(ed)? out\b|\bbleed(ing|s)?\b|\boverdos\w+|\btoo many pills\b"
                             r"|\bdrown(ing|ed|s)?\b"),
        hazard("medical", 3, r"\b(face|mouth) (is )?drooping\b|\bslurr(ed|ing)\b|\bcannot (talk|speak) properly\b"
                             r"|\b(drank|drunk|swallowed|ate|took) (some |a bottle of |the )?(bleach|poison|pesticide"
                             r"|rat poison|weed killer|detergent|cleaning liquid|antifreeze|sleeping pills)\b"),
        hazard("medical", 3, r"\bchoking\b|\bseizure\b|\bnot moving\b|\bnot responding\b|\bunresponsive\b|\b(will|does"
                             r"|did) not wake up\b|\bcannot wake (him|her|them)( up)?\b|\bpoison(ed|ing)\b|\bsuicide\b"
                             r"|\bdying\b|\bhit by a (car|bus|truck|van|motorbike|bike)\b|\brun over\b"),
        hazard("medical", 3, r"\bfell (into|in) (the |a )?(river|water|lake|sea|pond|canal|well|pool)\b|\bwater (broke"
                             r"|has broken)\b|\bin labou?r\b|\bgiving birth\b|\bturn(ing|ed|s)? blue\b"
                             r"|\bswallowed (something|a|the)\b|\bconvuls\w+|\bnot waking( up)?\b"),
        mask(r"\b(tree|branch|branches|pole|sign|billboard|wall|ceiling|tiles?|glass|window|roof|things|stuff|something"
             r"|it|plaster|bricks?) (has )?(fell|fallen|fall|falls|falling)\b"),
        hazard("medical", 2, r"\bslipped\b|\bcannot move\b|\bhigh fever\b|\b(biting|bit|bitten)\b|\bfell\b|\bfallen\b"
                             r"|\bcannot get up\b|\bhurt\b|\binjur(ed|y|ies)\b|\bdizzy\b|\bcrash(ed)?\b|\baccident\b"
                             r"|\bbroken (leg|arm|neck|bone|hip)\b|\bburns\b"),
        hazard("medical", 1, r"\blying (on|in) (the )?(floor|ground|road|street|pavement|sidewalk|park|stairs|grass)\b"
                             r"|\blying there\b|\b(has|have|had) not (seen|heard from) (my|the|our|her|him"
                             r"|them)( \w+){0,3}( for (\w+ )?days)?\b|\b(not|never) answer(ed|ing|s)? (the|her|his"
                             r"|their|my) door( for (\w+ )?days)?\b|\b(not|never) answer(ed|ing|s)? (her|his"
                             r"|their) phone for (\w+ )?days\b|\bblood\b"),
        hazard(None, 2, r"\bemergency\b"),
    ),
    signals=(
        Signal(r"\b(right )?now\b|\bhelp\b|\bhurry\b|\bquick(ly)?\b|\bimmediately\b|\basap\b|\bjust\b|\bget out\b"
               r"|\bstill (inside|in|there|here|going)\b|\b(people|someone|somebody|kids|children) inside\b"
               r"|\bspreading\b|\bgetting (worse|stronger|bigger)\b|\bwhat (do|should) i do\b|\bat the moment\b"
               r"|\boh (my )?god\b", 1),
        Signal(r"(?<!there )\b(is|are"
               r"|am) (still )?_+", 1),  # present tense right before a hazard: my father is not breathing
        Signal(r"\ba lot\b|\bso much\b|\breally strong\b|\bvery strong\b|\beverywhere\b|\bbadly\b|\bheavily\b", 1),
        Signal(r"\bplease come\b|\bcome quick(ly)?\b|\bsend (someone|somebody|help)\b|\b(i am|we are) (scared|afraid"
               r"|terrified)\b|\bterrified\b", 2),
        Signal(r"\bcomplain\w*|\bask(ing)?\b|\bquestion\b|\bwondering\b|\bhow (do|can) i\b", -2),
        Signal(r"\breport\w*", -1),
        Signal(r"\bevery\b|\balways\b|\bnever\b|\bconstantly\b|\busually\b|\boften\b|\bregularly\b|\brepeatedly\b"
               r"|\ball the time\b|\btwice\b|\b(two|three|several|many) times\b|\bkeeps?\b|\bkept\b|\bfor (a |two "
               r"|three |several |many |a few )?(weeks|months|years)\b", -2, firm=True),
        Signal(r"\blast (week|month|year|time|night|summer|winter|weekend|monday|tuesday|wednesday|thursday|friday"
               r"|saturday|sunday)\b|\byesterday\b|\b(days?|weeks?|months?|years?) ago\b|\bthe other day\b"
               r"|\bin the past\b|\bearlier this\b", -3,
               firm=True),
        Signal(r"\bsirens?\b|\bnoise\b|\bnoisy\b|\bloud\b|\bshouting\b|\byelling\b", -2),
        Signal(r"\bblock(ed|ing|s)?\b|\bparked\b|\bparking\b|\bobstruct\w*", -2),
        Signal(r"\bnobody (cares|came|comes|fixed|cleaned|does)\b|\b(did|does|do) nothing\b|\bnot (been )?fixed\b"
               r"|\b(has|have) not been (fixed|repaired|cleaned)\b|\bnot (come|coming|came)\b", -2),
        Signal(r"\bbroken\b|\brepair\w*|\bfix\w*|\brude\b|\bridiculous\b|\bunacceptable\b|\bannoying\b", -1),
        Signal(r"\bwages?\b|\bdeposit\b|\bcompensation\b|\bunpaid\b|\bowes? me\b", -2),
        Signal(r"\bbills?\b|\bcharged?\b|\bfees?\b|\bprices?\b|\bsalary\b|\brefund\b|\bdangerous\b|\bagain\b", -1),
        Signal(r"\b(could|would|might) (easily )?(be|happen|fall|catch|start|get|cause|kill|hurt|explode|burn)\b"
               r"|\bif (it|one|they|something|anything|this|that|someone|somebody) (_+|catches|catch|goes|go|starts"
               r"|start|falls|fall|explodes|explode|happens|happen)\b|\bwhat if\b|\bin case\b|\bsooner or later\b"
               r"|\bone day\b|\b(is|are) going to (get|be)\b|\bwill get (hurt|killed|injured)\b", -3, firm=True),
        Signal(r"\bworried\b", -1),
    ),
    filler=r"^((um+|uh+|er+|erm|hmm+|mm+|oh|well|so|okay|ok|like|i mean|but|just|actually|sorry)\b\s*)+",
    no=r"^(no|nope|nah|not really|not at all|nobody|no one|noone|none|i do not think so|not right now|not now|(we"
       r"|i) (are|am) (fine|ok|okay|safe|alright))\b",
    no_anywhere=r"\b((we|i|everyone|everybody|they|he|she|it|all|we all) )?(is|are|am) (all )?(fine|ok|okay|safe"
                r"|alright|all right)\b|\bno danger\b|\bnot in danger\b",
    yes=r"^(yes|yeah|yep|yup|yea|ya|sure|please|help|definitely|i think so|absolutely|of course|danger)\b",
    danger=r"\bstill (inside|in there|in the)\b|\btrapped\b|\bcannot get out\b|\bdizzy\b|\bhurt\b|\binjured\b"
           r"|\bheadache\b|\bfeel(s|ing)? sick\b|\bgetting (stronger|worse|bigger)\b|\b(someone|somebody|people|a child"
           r"|kids|children|my \w+) (is |are )?(still )?(in there|inside)\b|\bi think (someone|somebody"
           r"|there is someone)\b",
    courtesy=r"^((thanks|thank you|okay|ok|fine|good|great|nothing|that is all|bye)\b\s*)*$",
    window=48,
    clause=r"\b(but|now|then|however|although|though|while|suddenly)\b|\band (now|then|the|a|an|he|she|they|someone"
           r"|somebody|my|his|her|it|there|i|we|this|that)\b",
)

"""The safety classifier's knowledge, as data: cue tables per language (see scoring.py for how they combine).

Texts are normalised before matching (scoring.normalise): Chinese has every space and punctuation mark removed,
English is lower-case with contractions expanded (``can't`` -> ``cannot``, ``'s`` -> `` is``).

- ``spans`` are matched in order and consume what they match, so a longer or earlier cue hides the words inside it:
  a *mask* (``消防通道``, ``fire exit``, ``gas bill``, ``油烟``) takes a hazard word out of play and may itself
  defuse (its weight counts against an emergency); a *hazard* names a danger of a kind with a strength: 3 = harm
  happening (着火了, not breathing), 2 = harm likely (摔倒, fighting, knife), 1 = a hazard concept alone (烟, gas
  smell, someone lying there). Service names (救护车, police) are masked unless asked for (快叫救护车, call the police).
- ``signals``: urgency (正在 快 救救 right now, hurry, scared) adds; complaint framing (投诉 每天 上次 吵 堵 never,
  every night, last week, siren) subtracts. They are matched on what the spans left (in English a hazard leaves
  ``_``, so "if one catches fire" is still seen as hypothetical: "if one _").
- ``no``/``yes``/``filler`` read the answer to the bot's own question "is anyone in danger right now?".
"""

from __future__ import annotations

from voicebot.call.safety.cue_types import CueTable, Signal, hazard, mask
from voicebot.call.safety.cues_en import EN

ZH = CueTable(
    spans=(
        # saying the service is not needed asks for nothing ("不用叫救护车", "没必要报警")
        mask(r"(不用|不需要|用不着|没必要|不必|别)(叫|打|喊|派)?"
             r"(救护车|120|幺二零|警察|报警|110|幺幺零|消防车?|119|幺幺九)", 1),
        # asking for a service is the emergency itself; naming it is not (below, masked)
        hazard("fire", 3, r"(叫|打|喊|派)(一下|个|一辆|辆)?(消防车|消防队|消防|119|幺幺九|一一九)"),
        hazard("medical", 3, r"(叫|打|喊|派|需要|来)(一下|个|一辆|辆)?(救护车|120|幺二零|一二零|急救)(?!站|中心)"),
        hazard("police", 3, r"(快|赶紧|马上|帮我|帮忙)(打电话)?(报警|报个警)"),
        hazard("police", 3, r"(叫|打|喊|派)(一下|个)?(警察|110|幺幺零|一一零)"),
        hazard(None, 3, r"救命|就命啊|快来人|来人啊"),  # 就命: ASR for 救命
        # said not to be dangerous
        mask(r"没(有)?人(受伤|出事|有事)|没(有)?(着火|起火|危险)|不是着火|人(都)?没事|都没事", 3, firm=True),
        mask(r"本来(是)?(想|要)(打电话)?(来)?(投诉|反映)"),
        mask(r"到现在|快递|快餐|快捷|快车|快速|很快|加快|尽快|着急|着凉|偷偷|偷工减料|小偷小摸"),
        mask(r"打不着火?|点不着火?|打(我|他|她|你)?(的|这个|这|那个)?(电话|手机|座机|号码)|打(扫|扰|车|卡|开|听|印|针"
             r"|折|算)"),
        mask(r"架子鼓|(抢|占)(我的?)?(车位|座|道|生意|客)"),
        hazard("medical", 1, r"食物中毒"),  # mostly a complaint after the meal: ask
        # fire words that are no fire
        mask(r"火灾隐患|消防隐患|安全隐患|隐患", 2),
        mask(r"消防(通道|车道|栓|设施|检查|站|队|员|车|门|器材|演练|部门|中队|安全)?", 1),
        mask(r"烟花|烟火|鞭炮|炮竹|爆竹", 2),
        mask(r"烟囱(里)?(往外)?冒?(黑|白|浓)?烟?|排气|尾气|抽(了|着|完)?(一|两|几|半)?(根|支|口|包)?(的)?烟", 2),
        mask(r"油烟|抽烟|吸烟|烟头|香烟|二手烟|烟草|烟酒|烟囱|烟道", 2),
        mask(r"烧烤|烤串|烧纸|烧香|烧垃圾|焚烧|烧秸秆|烧树叶|做饭|炒菜", 2),
        mask(r"灭火器|火车站?|火锅|火腿|火柴|打火机|火葬|火化|发火|上火"),
        mask(r"火气|火爆|火箭|火烧云|火龙果|炉火|柴火|烤火|火候|火电|火山"),
        # gas, medical and police words that are no emergency
        mask(r"(天然气|燃气|煤气)(入户|停了|供应|不通|没通|开户|维修|报修)|通(天然气|燃气|煤气)|停气|供气"),
        mask(r"(煤气|燃气|天然气|液化气)(费|公司|表|卡|价格?|缴费|充值|开通|安装|报装|涨价|检查|改造|灶|热水器"
             r"|壁挂炉)"),
        mask(r"(煤气|燃气|液化气|天然气)(罐|瓶)(?!(泄|漏|着|爆|喷))|(烟雾|烟感)?报警器|血水|(鸡|鱼|猪|鸭)血|杀(鸡|鱼|猪"
             r"|鸭)"),
        mask(r"血压|血糖|献血|验血|抽血|血常规|血型|血站|急救站|急救中心|医院|诊所"),
        mask(r"派出所|警察局|公安局|交警|警务|警官|警车|警笛|警报|警察"),
        mask(r"民警|救护车|消防|110|119|120|幺幺零|幺幺九|幺二零"),
        mask(r"吵架|骂人|吵闹", 1),
        mask(r"老鼠(?!药)|耗子|蟑螂|臭虫|蚊子|苍蝇|虫子|白蚁", 2),
        # fire and gas
        hazard("gas", 3, r"(煤气|燃气|天然气|液化气|没气|然气)(罐|瓶|管道?|灶|阀门?)?(泄漏|泄露|漏了|漏气|在漏|喷|爆)"),
        hazard("gas", 3, r"漏气|喷气"),
        hazard("gas", 2, r"泄漏|泄露"),
        hazard("gas", 1, r"(没气|然气)(泄漏|泄露|漏了|味)|(煤气|燃气|天然气|液化气)(的)?(味|气味)|臭鸡蛋(的)?味|煤气"
                         r"|燃气|天然气|液化气"),
        hazard("fire", 3, r"着火|失火|起火|火灾|大火|火(很|好|特别|越来越)大"),
        hazard("fire", 3, r"火势|火苗|火光|烧起来|烧着了|着了火|着起来|冒烟了"),
        hazard("fire", 3, r"冒黑烟|浓烟|(全|都)是烟|好多烟|满(屋子?|楼道?)(的)?烟|爆炸"),
        hazard("police", 3, r"(锁|困|关)在(车|汽车|小车)里"),
        hazard("fire", 3, r"被困(了|住了?)"),
        hazard("fire", 2, r"困人|关人|被困|困在|烟(很|好|特别)大"),
        # a bare 烟/火/血/刀 is often a place or a word (烟袋斜街, 火器营): only in a phrase
        hazard("fire", 1, r"烧焦|焦味|糊味|烧糊|烟味|烟雾|冒烟|有(烟|火)|(黑|白|浓)烟|烟(从|往|冒|飘|出来|进来)|冒火"
                          r"|火(星|花)"),
        # crime and violence
        hazard("police", 3, r"抢劫|打劫|抢(了|走了?)?(我|他|她)?(的)?(包|钱|手机|东西|项链|金链子|孩子)|(被"
                            r"|让)人?抢(走)?了|砍人|砍伤|杀人"),
        hazard("police", 3, r"捅(了|人|伤)|闯进|撬(我家|我们家|我|他家|她家|邻居家|人家)?的?(门|锁|窗|车)|正在偷|在偷"),
        hazard("police", 3, r"往车里(塞|拖|拉|拽|推)|(拽|拖|抱|拉|抢)(着|走)(一个|个|那个)?(小孩|孩子|女孩|男孩|姑娘)"),
        hazard("police", 3, r"(被|让)(人|他们|他|她)打(了|伤)|还在追|(追|堵)着(我|我们)"),
        hazard("fire", 2, r"(电梯)?卡住了.{0,6}(人|孩子|小孩|老人)|(人|孩子|小孩|老人).{0,6}卡住了"),
        hazard("police", 3, r"打得(很|好|特别|非常)?(凶|厉害|狠)|家暴|打我|打人了|被打|打起来了|跳楼|跳河|绑架|劫持"),
        hazard("police", 3, r"拐走|拐卖|要杀|(拿|持|举|挥|掏出|拿出)(着)?(把|一把)?(菜刀|刀子|砍刀|水果刀|刀)|动刀子?"
                            r"|有枪"),
        hazard("police", 3, r"(孩子|小孩|儿子|女儿|老人|人)(走丢|丢了|不见了|走失|失踪)|要跳(下来|下去|楼|河)"),
        hazard("police", 3, r"在砸(门|我|东西|车|窗)|砸(我家|我)的?(门|窗)|砸人|到处打人|进(了)?贼|有贼|要(往下)?跳"
                            r"|往下跳"),
        hazard("police", 2, r"威胁我|威胁要|被人威胁|走丢|走失|失踪|打架|打起来|打人|小偷|跟踪|跟着我|砸门|砸(我|车"
                            r"|东西)|(有|带)(一把|把)?(刀|菜刀|刀子)|刀子"),
        hazard("police", 1, r"偷|报警"),
        # someone hurt
        hazard("medical", 3, r"嘴(也|都)?歪|口眼歪斜|说话说不清|半边身子|晕过去|昏过去|背过气|胸口疼|心口疼|胸痛"
                             r"|喘不上来|上不来气"),
        hazard("medical", 3, r"(吃|喝)(了|下)?(老鼠药|农药|敌敌畏|百草枯|安眠药|一整?瓶)"),
        hazard("medical", 3, r"快不行了|快死了|要死了|没(有)?意识|没反应了|晕倒|昏倒|昏迷|不省人事|叫不醒"
                             r"|没(有)?了?呼吸|不呼吸|(人|他|她|孩子|老人|爸|妈|爷|奶)(都|已经)?没气了|喘不上气"
                             r"|喘不过气|呼吸困难"),
        hazard("medical", 3, r"心脏病(犯|发作)|心梗|心脏骤停|中风|抽搐|休克|大出血"),
        hazard("medical", 3, r"流(了)?(好多|很多|一地|不少)?(的)?血|血流不止"),
        hazard("medical", 3, r"出血|流血|溺水|落水|淹着|中毒|吃错药|割腕|自杀|倒在(地|路|床|家|门|楼)"),
        hazard("medical", 3, r"(摔倒|摔下来|摔下去|掉下来|跌倒|坠楼|被车撞|撞倒)了|坠楼"),
        hazard("medical", 3, r"(人|孩|娃|老人|他|她|我)掉(进|到|在)?(河|水|湖|井|海|池塘)里?|羊水破|要生了|难产|早产"
                             r"|惊厥"),
        hazard("medical", 3, r"(孩子|小孩|娃|他|她|人)(在)?抽(了|起来|过去|风)|脸(都)?(发)?紫了"),
        hazard("medical", 2, r"摔了(一跤)?|动不了|咬人|被(狗|猫)?咬|摔倒|摔下来|摔伤|掉下来|跌倒|起不来|受伤|撞了|车祸"
                             r"|晕了|头晕|发高烧|烧伤|烫伤|骨折"),
        hazard("medical", 1, r"躺(着|在)|好几天没(见|出门|看到|看见|露面|开门|动静)"),
        hazard("medical", 1, r"敲门(也)?(不应|没人应|没反应|不开)|有血|血迹|(一|满)地(的)?血|都是血|好多血|流了(点"
                             r"|些)?血"),
    ),
    signals=(
        Signal(r"正在|现在|快|赶紧|马上|立刻|突然|刚才|刚刚|还在|怎么办|咋整|咋办|咋弄|不止|不停|越来越|这会儿"
               r"|此刻", 1),
        Signal(r"(很|好|特别|贼|老|非常)(浓|冲|大)|好多", 1),
        Signal(r"救救|快来|害怕|吓死|吓坏", 2),
        Signal(r"(正|还)在\|+", 1),  # right before a hazard: it is going on (还在砸门)
        Signal(r"投诉|反映|举报|建议|咨询|问一下|想问|问问|请问", -2),
        Signal(r"每天|天天|每晚|每次|老是|总是|经常|常常|整天|一到晚上", -2, firm=True),
        Signal(r"一直(?!在)|好几天|几天了|好久|好几次|几次了|两次|三次", -1, firm=True),
        Signal(r"上次|以前|去年|前年|那年|有一回|有一次|上个月|上周|昨天|前天|前几天|之前|那次|过去|着过|烧过|来过|打过"
               r"|报过|过一次", -3,
               firm=True),
        Signal(r"吵|噪音|鸣笛|声音|扰民", -2),
        Signal(r"堵|占|挡|乱停", -2),
        Signal(r"没人管|不来|不管|没用|不理|没人修|没修|不修|没人处理|没(有)?处理|不处理|太慢|拖着|没人打扫", -2),
        Signal(r"坏了|过期|收费|态度|物业|不合理|担心|不安全", -1),
        Signal(r"(说了?|讲了?)(也|都)不听", -2),
        Signal(r"拖欠|欠薪|工资|赔偿|退款|押金|退钱", -2),
        Signal(r"容易|迟早|万一|要是|如果|一旦|会不会|怕出事|真要|真的要|会(出事|受伤|摔|着火|死人|烧|炸"
               r"|砸)|(再|就会|会)\|+|吓唬|冒充|骗", -3, firm=True),
    ),
    filler=r"^(嗯|呃|啊|哦|噢|喂|唉|那个|这个|就是|我说|是这样的?|对了|但是|不过|只是|其实)+",
    no=r"^(没有人有事|没人有事|没有危险|没危险|没有|没事|没|不是|不会|不危险|没人|不用|还好|安全|暂时没有|应该没有"
       r"|没什么|不要紧)",
    no_anywhere=r"(都|人)没事|没(有)?(人)?(身)?危险|没人受伤|都(很)?(好|安全)",
    yes=r"^(有(?!点|没有|些|什么)|是(?!不是)|对(?!不对)|危险|救命|快|要(?!不要)|需要|那可不|可不|当然|肯定|真的)",
    danger=r"还在(屋|家|里|楼|房)|在里面|出不来|困住|被困|晕|难受|头疼|喘不|受伤|流血|越来越(大|浓|重|多)|(好像|可能"
           r"|应该|估计|也许)有(人|危险)|(里面|屋里|家里|楼上)(好像|可能|还)?有人",
    courtesy=r"^(谢谢|好的|好|行|嗯|对|是|没了|没有了)*$",
    window=14,
    clause=r"但是|可是|不过|现在|结果|然后|今天|刚才|刚刚|这会儿|突然|没想到|谁知道",
)


TABLES: dict[str, CueTable] = {"zh": ZH, "en": EN}
"""Cue tables by script: ``zh`` for text with Hanzi, ``en`` otherwise."""

# The labelled evaluation set for the reply coach, written by hand.
# Run: python3 crates/coach/eval/make_set.py > crates/coach/eval/replies.jsonl
# Each case: (customer_name, customer_message, draft, [expected checks], note).
# Expected checks are those that must fire at warn or block level; basics are hints
# and are not labelled here. A case with [] is a hard negative.
import json

DAMAGED = "My lamp arrived with a cracked shade. Can you send a replacement?"
LATE = "My order 5521 is a week late. When will it arrive?"
CHARGE = "I was charged twice for my subscription this month. Please refund one of the charges."
HOWTO = "How do I change the delivery address on my account?"
LOGIN = "I can't log in to my account since yesterday, it says my password is wrong."
RETURN = "I'd like to return the jacket, it's too small. How do I do that?"
PHOTOS = "Here are the photos of the broken screen you asked for."
SLOW = "I've been waiting three weeks for an answer and nobody replied. This is unacceptable."
INFO = "Do you ship to Norway?"
CANCEL = "Please cancel my order 7781, I ordered the wrong colour."

cases = []
def c(name, msg, draft, expect, note=""):
    cases.append({"customer_name": name, "customer_message": msg, "draft": draft, "expect": expect, "note": note})

# --- rude, hostile, condescending, shouting ---
c("Ann Lee", DAMAGED, "Hi Ann, please calm down. I'm sorry about the shade; a new one ships today. Best, Sam", ["rude"])
c("Ann Lee", DAMAGED, "Hi Ann, obviously the shade is covered. I'm sorry it cracked; a new one ships today. Best, Sam", ["rude"])
c("Ann Lee", LATE, "Hi Ann, as I already told you, I'm sorry for the delay; it arrives Friday. Best, Sam", ["rude"])
c("Ann Lee", LATE, "Hi Ann, per my last email, I'm sorry it is late; it will arrive by Friday. Best, Sam", ["rude"])
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry it cracked. IT WILL NOT HAPPEN AGAIN. A new shade ships today. Best, Sam", ["rude"])
c("Ann Lee", HOWTO, "Hi Ann, it's not rocket science: go to Settings, then Address. Best, Sam", ["rude"])
c("Ann Lee", HOWTO, "Hi Ann, if you read the manual you would know: go to Settings > Address. Best, Sam", ["rude"], "read the manual")
c("Ann Lee", SLOW, "Hi Ann, whatever. I'm sorry for the wait; here is your answer: the refund is done. Best, Sam", ["rude"])
c("Ann Lee", SLOW, "Hi Ann, there is no need to shout. I'm sorry for the wait; the refund is done. Best, Sam", ["rude"])
c("Ann Lee", CHARGE, "Hi Ann, good luck with that bank of yours. I'm sorry about the double charge; I've refunded one. Best, Sam", ["rude"], "sarcasm")
c("Ann Lee", CHARGE, "Hi Ann, you people always panic about charges. I'm sorry; one charge is refunded. Best, Sam", ["rude"])
c("Ann Lee", LOGIN, "Hi Ann, I'm sorry you're locked out. How many times do we have to reset this? Your new link is on its way. Best, Sam", ["rude"])
c("Ann Lee", LOGIN, "Hi Ann, I'm sorry you're locked out. I've sent a reset link; it works for 24 hours. Best, Sam", [], "hard negative: polite")
c("Ann Lee", DAMAGED, "Hi Ann, I'm so sorry the shade cracked!! A new one ships today. Best, Sam", [], "warm double exclamation is not rude")
c("Ann Lee", HOWTO, "Hi Ann, open the app and tap Settings > Address; the FAQ at HTTPS://EXAMPLE.COM/FAQ shows it too. Best, Sam", [], "URL and acronyms in capitals")
c("Ann Lee", HOWTO, "Hi Ann, go to Settings, then Address, and save. The PDF guide and the USB driver are on our site. Best, Sam", [], "acronyms")
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. We're calmly working through a backlog; it arrives Friday. Best, Sam", [], "calmly is not calm down")
c("Ann Lee", SLOW, "Hi Ann, I'm sorry nobody replied for three weeks; that is not acceptable. Your refund was sent today. Best, Sam", [], "agreeing it is unacceptable")

# --- arguing ---
c("Ann Lee", LATE, "Hi Ann, you're wrong, the order left on time. I'm sorry it's late; it arrives Friday. Best, Sam", ["arguing"])
c("Ann Lee", LATE, "Hi Ann, that is not what happened: the courier tried twice. I'm sorry; it arrives Friday. Best, Sam", ["arguing"])
c("Ann Lee", CHARGE, "Hi Ann, that's not true, we only charged once. I'm sorry for the confusion; I'll check and refund any double charge today. Best, Sam", ["arguing"])
c("Ann Lee", CHARGE, "Hi Ann, you are mistaken about the charge. I'm sorry; I've looked and refunded the second one. Best, Sam", ["arguing"])
c("Ann Lee", CHARGE, "Hi Ann, actually, the second charge is a pre-authorisation. I'm sorry for the worry; it disappears in 3 days. Best, Sam", ["arguing"], "correcting opener")
c("Ann Lee", LATE, "Hi Ann, you misunderstood the tracking page. I'm sorry it's late; it arrives Friday. Best, Sam", ["arguing"])
c("Ann Lee", CHARGE, "Hi Ann, I'm sorry for the worry. The second line is a pre-authorisation, not a charge; it disappears within 3 days. Best, Sam", [], "hard negative: correcting without arguing")
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. Our records show it left on the 3rd, so I've asked the courier to trace it today. Best, Sam", [], "facts without arguing")

# --- blame the customer / buck-passing ---
c("Ann Lee", LOGIN, "Hi Ann, you should have written the password down. I'm sorry; I've sent a reset link. Best, Sam", ["blame"])
c("Ann Lee", LOGIN, "Hi Ann, this is user error. I'm sorry; I've sent a reset link. Best, Sam", ["blame"])
c("Ann Lee", LATE, "Hi Ann, you failed to enter the house number. I'm sorry it's late; it arrives Friday. Best, Sam", ["blame"])
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry about the shade, but it's your fault for choosing economy shipping. A new one ships today. Best, Sam", ["blame"])
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. The courier lost it, not us. A new one ships today. Best, Sam", ["blame"], "buck-passing to the courier")
c("Ann Lee", CHARGE, "Hi Ann, I'm sorry about the charge. Billing is another department, so please write to them. Best, Sam", ["blame", "not_listening"], "buck-passing to another department; the refund request is ignored")
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry the shade cracked, but breakage in transit is not our problem. Best, Sam", ["blame", "not_listening"], "the replacement request is ignored")
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry the shade cracked. The damage is beyond our control once it leaves the warehouse. Best, Sam", ["blame", "not_listening"], "the replacement request is ignored")
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. You should have received a tracking e-mail on Monday; I've resent it. Best, Sam", [], "hard negative: should have received")
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. I've filed a claim with the post office and a replacement ships today. Best, Sam", [], "hard negative: post office mentioned, not blamed")
c("Ann Lee", LOGIN, "Hi Ann, I'm sorry you're locked out. You should have a reset e-mail in your inbox now. Best, Sam", [], "should have a")
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry the shade cracked; that's our packing, not the courier. A new one ships today, better packed. Best, Sam", [], "owning it")

# --- policy wall ---
c("Ann Lee", RETURN, "Hi Ann, sorry, that's our policy: no returns after 14 days. Best, Sam", ["policy_wall"])
c("Ann Lee", RETURN, "Hi Ann, I'm sorry, there's nothing I can do about returns after 14 days. Best, Sam", ["policy_wall"])
c("Ann Lee", CHARGE, "Hi Ann, I'm sorry, but if I do that for you I'd have to do it for everyone. Best, Sam", ["policy_wall", "missing_apology", "not_listening"], "'sorry, but' refuses rather than apologises; the refund request is ignored")
c("Ann Lee", RETURN, "Hi Ann, rules are rules, I'm afraid. I'm sorry. Best, Sam", ["policy_wall", "not_listening"], "the how-to-return question is ignored")
c("Ann Lee", RETURN, "Hi Ann, I'm sorry, my hands are tied on returns after 14 days. Best, Sam", ["policy_wall"])
c("Ann Lee", CANCEL, "Hi Ann, I'm sorry, it is company policy not to cancel shipped orders. Best, Sam", ["policy_wall"])
c("Ann Lee", RETURN, "Hi Ann, returns after 14 days are against our policy. Best, Sam", ["policy_wall"], "policy mention, warn")
c("Ann Lee", RETURN, "Hi Ann, returns are easy: print the label from your account and drop the jacket at any post office within 30 days. Best, Sam", [], "hard negative")
c("Ann Lee", RETURN, "Hi Ann, our policy is to refund returns in full, so I've sent you a prepaid label. Best, Sam", [], "hard negative: polite policy mention")
c("Ann Lee", CANCEL, "Hi Ann, the order has already shipped, so I can't cancel it, but what I can do is send a free return label. Best, Sam", [], "hard negative: alternative offered")

# --- apologies ---
c("Ann Lee", DAMAGED, "Hi Ann, a new shade ships today with tracking. Best, Sam", ["missing_apology"])
c("Ann Lee", LATE, "Hi Ann, your order arrives on Friday. Best, Sam", ["missing_apology"])
c("Ann Lee", CHARGE, "Hi Ann, I've refunded the second charge; it shows within 3 days. Best, Sam", ["missing_apology"])
c("Ann Lee", SLOW, "Hi Ann, your refund was approved today. Best, Sam", ["missing_apology"])
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry if you feel let down. A new shade ships today. Best, Sam", ["missing_apology", "poor_apology"])
c("Ann Lee", LATE, "Hi Ann, we apologize for any inconvenience. It arrives Friday. Best, Sam", ["missing_apology", "poor_apology"])
c("Ann Lee", LATE, "Hi Ann, I'm sorry you feel the delivery was slow. It arrives Friday. Best, Sam", ["missing_apology", "poor_apology"])
c("Ann Lee", HOWTO, "Hi Ann, go to Settings, then Address, and save. Best, Sam", [], "no problem reported, no apology needed")
c("Ann Lee", INFO, "Hi Ann, yes, we ship to Norway; delivery takes 4 to 6 days. Best, Sam", [], "no apology needed")
c("Ann Lee", DAMAGED, "Hi Ann, I apologise for the cracked shade. A new one ships today. Best, Sam", [], "real apology")
c("Ann Lee", LATE, "Hi Ann, sorry for the delay! It arrives Friday. Best, Sam", [], "real apology")

# --- wrong name ---
c("Ann Johnson", HOWTO, "Hi Anne, go to Settings, then Address. Best, Sam", ["wrong_name"], "misspelt")
c("Ann Johnson", HOWTO, "Hi Mary, go to Settings, then Address. Best, Sam", ["wrong_name"], "another name")
c("Ann Johnson", HOWTO, "Dear Mrs. Jackson, go to Settings, then Address. Best, Sam", ["wrong_name"], "Jackson for Johnson")
c("Ann Johnson", HOWTO, "Hi Johnson, go to Settings, then Address. Best, Sam", ["wrong_name"], "last name as first name")
c("Ann Johnson", HOWTO, "Dear Ms. Ann, go to Settings, then Address. Best, Sam", ["wrong_name"], "first name with an honorific")
c("Katherine Miller", HOWTO, "Hi Catherine, go to Settings, then Address. Best, Sam", ["wrong_name"])
c("Ann Johnson", HOWTO, "Hi Ann, go to Settings, then Address. Best, Sam", [])
c("Ann Johnson", HOWTO, "Dear Ms. Johnson, go to Settings, then Address. Best, Sam", [])
c("Ann Johnson", HOWTO, "Hello, I can help: go to Settings, then Address. Best, Sam", [], "no name in greeting")
c("Ann Johnson", HOWTO, "Hi there, go to Settings, then Address. Best, Sam", [])
c("Ann Johnson", HOWTO, "Good morning Ann! Go to Settings, then Address. Best, Sam", [])

# --- vague promises ---
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry it cracked. We'll ship a new shade soon. Best, Sam", ["vague_promise"])
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. I'll get back to you shortly. Best, Sam", ["vague_promise", "not_listening"])
c("Ann Lee", CHARGE, "Hi Ann, I'm sorry about the double charge. We will refund it as soon as possible. Best, Sam", ["vague_promise"])
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry it cracked. I'll sort out a replacement ASAP. Best, Sam", ["vague_promise"])
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry it cracked. A replacement will be with you in due course. Best, Sam", ["vague_promise"])
c("Ann Lee", DAMAGED, "Hi Ann, I'm sorry it cracked. I'll send a replacement by Thursday. Best, Sam", [])
c("Ann Lee", CHARGE, "Hi Ann, I'm sorry about the double charge. You will receive the refund within 3 business days. Best, Sam", [])
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. We will call you tomorrow before noon with the courier's answer. Best, Sam", [])
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late; the courier says it arrives soon, and I'll confirm the exact day by 5pm today. Best, Sam", [], "soon qualified by a time")

# --- form letters ---
CANNED = "Thank you for contacting us. We have received your request and a member of our team will look into it. We appreciate your patience."
c("Ann Lee", DAMAGED, CANNED, ["form_letter", "missing_apology", "not_listening"], "canned sent unchanged")
cases[-1]["earlier_replies"] = [CANNED]
c("Ann Lee", LATE, "Hi Ann, " + CANNED + " Best, Sam", ["form_letter", "missing_apology", "not_listening"], "canned with a greeting")
cases[-1]["earlier_replies"] = [CANNED]
c("Ann Lee", DAMAGED, CANNED + " I'm sorry the shade arrived cracked; a new shade ships today.", [], "canned plus a personal sentence")
cases[-1]["earlier_replies"] = [CANNED]
PRIOR = "Hi, sorry for the trouble with your order. We have escalated it to our logistics team and will update you by Friday. Regards, Sam"
c("Ann Lee", LATE, PRIOR, ["form_letter", "not_listening"], "earlier reply to another customer resent")
cases[-1]["earlier_replies"] = [PRIOR]
c("Ann Lee", LATE, "Hi Ann, sorry your order 5521 is late. I've asked the courier and it will arrive by Friday. Best, Sam", [], "different reply")
cases[-1]["earlier_replies"] = [PRIOR]

# --- not listening ---
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late. Thanks for your patience. Best, Sam", ["not_listening"])
c("Ann Lee", HOWTO, "Hi Ann, thanks for reaching out, we're happy to help. Best, Sam", ["not_listening"])
c("Ann Lee", RETURN, "Hi Ann, thanks for your message about the jacket. Best, Sam", ["not_listening"])
c("Ann Lee", INFO, "Hi Ann, thanks for your interest in our shop! Best, Sam", ["not_listening"])
c("Ann Lee", LATE + " Can you also refund the shipping fee?", "Hi Ann, I'm sorry it's late; it will arrive by Friday. Best, Sam", ["not_listening"], "second ask ignored")
c("Ann Lee", LATE, "Hi Ann, I'm sorry it's late; it will arrive by Friday. Best, Sam", [])
c("Ann Lee", HOWTO, "Hi Ann, go to Settings, then Address, and save. Best, Sam", [])
c("Ann Lee", RETURN, "Hi Ann, print the return label from your account and drop the parcel at any post office. Best, Sam", [])
c("Ann Lee", INFO, "Hi Ann, yes, delivery to Oslo and the rest of Norway takes 4 to 6 days. Best, Sam", [], "answered in other words")
c("Ann Lee", CHARGE, "Hi Ann, I'm sorry about that; I've credited the money back to your card. Best, Sam", [], "refund answered with a synonym")
c("Ann Lee", CANCEL, "Hi Ann, done: order 7781 is cancelled and you haven't been charged. Best, Sam", [])

# --- several at once ---
c("Ann Johnson", DAMAGED, "Hi Anne, calm down. You should have opened it carefully. That's our policy. We'll see about a new one soon.", ["wrong_name", "rude", "blame", "policy_wall", "vague_promise", "missing_apology"])
c("Ann Lee", LATE, "Hi Ann, as I said before, you are wrong about the date. It's not our fault.", ["rude", "arguing", "blame", "missing_apology", "not_listening"])
c("Ann Lee", CHARGE, "Hi Ann, obviously you clicked twice. Nothing I can do.", ["rude", "policy_wall", "missing_apology", "not_listening"])


# --- more scenarios: subscriptions, travel, telecom, software, food delivery ---
FLIGHT = "My flight LH400 was cancelled and I still have no new booking. What are my options?"
BILL = "My phone bill is 40 EUR higher than usual this month. Why?"
APP = "The app crashes every time I open the camera. Can you fix it?"
FOOD = "My food delivery arrived cold and an hour late."
SUB = "I want to cancel my subscription before it renews on Friday."
WIFI = "My internet has been down since Monday. When will it be fixed?"
WARRANTY = "My washing machine stopped working after 11 months. Is it still under warranty?"
GIFT = "Could you gift-wrap my order and add a card that says Happy Birthday Mia?"
THANKS = "Just wanted to say the new lamp arrived and it's perfect, thank you!"
DOCS = "I've sent my ID and the signed contract as you asked."

people = [("Omar Haddad", "Omar"), ("Li Wei", "Li"), ("Sofia Rossi", "Sofia"), ("Jonas Fischer", "Jonas"), ("Priya Nair", "Priya")]
for full, first in people:
    c(full, FLIGHT, f"Hi {first}, I'm sorry your flight was cancelled. I've rebooked you on LH402 tomorrow at 9:40; the new ticket is in your inbox. Best, Sam", [])
    c(full, FLIGHT, f"Hi {first}, I'm sorry, but cancellations are the airport's fault, not ours. Best, Sam", ["blame", "not_listening"])
    c(full, BILL, f"Hi {first}, the bill is higher because of roaming charges from your trip on the 12th; I've attached the breakdown. Best, Sam", [])
    c(full, BILL, f"Hi {first}, thanks for getting in touch, we value you as a customer. Best, Sam", ["not_listening"])
    c(full, APP, f"Hi {first}, I'm sorry about the crashes. Version 4.2.2 fixes the camera bug; please update from the store today. Best, Sam", [])
    c(full, APP, f"Hi {first}, you must have an old phone. I'm sorry, update the app. Best, Sam", ["blame"])
    c(full, FOOD, f"Hi {first}, I'm sorry your food arrived cold and late. I've refunded the order in full. Best, Sam", [])
    c(full, FOOD, f"Hi {first}, the restaurant is a different department from delivery. Best, Sam", ["blame", "missing_apology"])
    c(full, SUB, f"Hi {first}, done: your subscription is cancelled and will not renew on Friday. Best, Sam", [])
    c(full, SUB, f"Hi {first}, I'm not allowed to cancel subscriptions by e-mail. Best, Sam", ["policy_wall"])
    c(full, WIFI, f"Hi {first}, I'm sorry you've been offline since Monday. A technician will visit tomorrow between 8am and noon. Best, Sam", [])
    c(full, WIFI, f"Hi {first}, I'm sorry about the outage. Our engineers are on it and it will be fixed shortly. Best, Sam", ["vague_promise"])
    c(full, WARRANTY, f"Hi {first}, I'm sorry it stopped working. Yes, the warranty covers 24 months, so the repair is free; a technician can come on Thursday. Best, Sam", [])
    c(full, WARRANTY, f"Hi {first}, I'm sorry it stopped working. That's company policy, I'm afraid. Best, Sam", ["policy_wall", "not_listening"])
    c(full, GIFT, f"Hi {first}, of course: it will be gift-wrapped with a card saying Happy Birthday Mia. Best, Sam", [])
    c(full, THANKS, f"Hi {first}, thank you for letting us know, enjoy the lamp! Best, Sam", [])
    c(full, DOCS, f"Hi {first}, thank you for the ID and the signed contract; your account is now active. Best, Sam", [])
    c(full, DOCS, f"Hi {first}, your account is now active. Best, Sam", [], "no thanks is only a hint")
    c(full, LATE, f"Hi {first}, I'm sorry order 5521 is late; it will arrive by Monday. Best, Sam", [])
    c(full, DAMAGED, f"Hi {first}, I'm sorry the shade arrived cracked. That is a packing mistake of ours; a new shade ships today. Best, Sam", [])
    c(full, CHARGE, f"Hi {first}, I'm sorry you were charged twice. I've refunded the second charge; you will see it within 3 business days. Best, Sam", [])

for case in cases:
    print(json.dumps(case, ensure_ascii=False))

package scenario

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Phish is the message that opened the attack, as Defender for Office 365 and Exchange log it:
// the campaign's delivery to the victim and look-alike copies to others, the victim's click
// through Safe Links on a device, and what the attacker did in the mailbox once in.
type Phish struct {
	// Step is the attack step the phish's rows belong to (hidden until the attack launches).
	Step string `yaml:"step"`
	// At is the campaign's delivery; Click the victim's click on Device (a device of the victim)
	// from IP (default: the victim's home address).
	At     time.Time `yaml:"at"`
	Click  time.Time `yaml:"click"`
	Device string    `yaml:"device"`
	IP     string    `yaml:"ip"`
	// Sender and SenderName are the From address and display name; SenderIP the relay.
	Sender     string `yaml:"sender"`
	SenderName string `yaml:"senderName"`
	SenderIP   string `yaml:"senderIP"`
	Subject    string `yaml:"subject"`
	// URL is the credential-phishing link; its host is the kit's (KitIP, in the attacker's place).
	URL   string `yaml:"url"`
	KitIP string `yaml:"kitIP"`
	// LookAlikes are the other recipients (user names) and what became of their copies.
	LookAlikes []LookAlike `yaml:"lookAlikes"`
	// Mailbox is what the attacker did in the victim's mailbox (OfficeActivity).
	Mailbox []MailboxAction `yaml:"mailbox"`
}

// LookAlike is one other recipient of the campaign.
type LookAlike struct {
	User string `yaml:"user"`
	// Delivery is Delivered, Junked or Blocked; Attachment, when set, replaces the link with an
	// HTML attachment of that name.
	Delivery   string `yaml:"delivery"`
	Attachment string `yaml:"attachment"`
}

// MailboxAction is one Exchange operation of the attacker (MailItemsAccessed, New-InboxRule).
type MailboxAction struct {
	At        time.Time `yaml:"at"`
	Operation string    `yaml:"operation"`
	IP        string    `yaml:"ip"`
	Items     int       `yaml:"items"`
	// Params are the cmdlet's parameters, in the order Exchange logs them.
	Params []Param `yaml:"params"`
}

// Param is one cmdlet parameter.
type Param struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// phishOperations are the Exchange operations a phish's mailbox actions may name.
var phishOperations = map[string]bool{"MailItemsAccessed": true, "New-InboxRule": true, "Set-InboxRule": true}

// phish checks the phish: known step, users, device, addresses in declared places, a click
// after the delivery and before the step's first event, a parseable https URL.
func (v *validator) phish(a *Attack, s *Scenario) {
	p := a.Phish
	if p == nil {
		return
	}
	f, path := FileAttack, "phish"
	step, ok := s.Step(p.Step)
	if !ok {
		v.errf(f, path+".step", "unknown step %q", p.Step)
	}
	if p.At.IsZero() || !p.At.Before(p.Click) || (ok && len(step.Events) > 0 && !p.Click.Before(step.Events[0].At)) {
		v.errf(f, path+".click", "the click must follow the delivery and precede the step's first event")
	}
	victim := s.Cast.person(a.Victim)
	if victim == nil || !victim.hasDevice(p.Device) {
		v.errf(f, path+".device", "%q is not a device of the victim", p.Device)
	}
	if p.IP != "" {
		v.ip(f, path+".ip", p.IP)
	}
	v.ip(f, path+".senderIP", p.SenderIP)
	v.ip(f, path+".kitIP", p.KitIP)
	if u, err := url.Parse(p.URL); err != nil || u.Scheme != "https" || u.Host == "" {
		v.errf(f, path+".url", "%q is not an https URL", p.URL)
	}
	if !strings.Contains(p.Sender, "@") || p.Subject == "" || p.SenderName == "" {
		v.errf(f, path, "sender, senderName and subject are required")
	}
	for i, l := range p.LookAlikes {
		lp := fmt.Sprintf("%s.lookAlikes[%d]", path, i)
		if !v.users[l.User] || l.User == a.Victim {
			v.errf(f, lp+".user", "unknown user %q (or the victim)", l.User)
		}
		if l.Delivery != "Delivered" && l.Delivery != "Junked" && l.Delivery != "Blocked" {
			v.errf(f, lp+".delivery", "%q is not Delivered, Junked or Blocked", l.Delivery)
		}
	}
	for i, m := range p.Mailbox {
		mp := fmt.Sprintf("%s.mailbox[%d]", path, i)
		if !phishOperations[m.Operation] {
			v.errf(f, mp+".operation", "unknown Exchange operation %q", m.Operation)
		}
		if !m.At.After(p.Click) {
			v.errf(f, mp+".at", "the mailbox is used after the click")
		}
		v.ip(f, mp+".ip", m.IP)
	}
}

// person returns the named person of the cast, or nil.
func (c *Cast) person(user string) *Person {
	for i := range c.People {
		if c.People[i].User == user {
			return &c.People[i]
		}
	}
	return nil
}

func (p *Person) hasDevice(name string) bool {
	for _, d := range p.Devices {
		if d.Name == name {
			return true
		}
	}
	return false
}

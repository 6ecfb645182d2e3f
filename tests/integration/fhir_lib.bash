# fhir_lib.bash - FHIR NDJSON lines for the hand-built wards of the integration tests (JP Core shapes: names in
# kanji and kana, an inpatient Encounter with ward/room/bed, an active MedicationRequest). Source after lib.bash.

# name FAMILY GIVEN FAMILY_KANA GIVEN_KANA: a Patient's "name" array, kanji (IDE) and kana (SYL).
name() {
	printf '[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"IDE"}],"family":"%s","given":["%s"]},{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"SYL"}],"family":"%s","given":["%s"]}]' "$@"
}

# pat ID FAMILY GIVEN FAMILY_KANA GIVEN_KANA SEX BIRTH: one Patient line.
pat() {
	printf '{"resourceType":"Patient","id":"%s","name":%s,"gender":"%s","birthDate":"%s"}\n' \
		"$1" "$(name "$2" "$3" "$4" "$5")" "$6" "$7"
}

# admit ID ROOM BED: the patient in ward 5B (内科) since 2026-11-20, in ROOM and BED.
admit() {
	printf '{"resourceType":"Encounter","id":"V%s","status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"serviceType":{"text":"内科"},"subject":{"reference":"Patient/%s"},"period":{"start":"2026-11-20T10:00:00+09:00"},"location":[{"location":{"display":"5B"},"status":"active","physicalType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/location-physical-type","code":"wa"}]}},{"location":{"display":"%s"},"status":"active","physicalType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/location-physical-type","code":"ro"}]}},{"location":{"display":"%s"},"status":"active","physicalType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/location-physical-type","code":"bd"}]}}]}\n' \
		"$1" "$1" "$2" "$3"
}

# med ID PATIENT CODE NAME DOSE UNIT PER_DAY [STATUS]: a MedicationRequest of DOSE UNIT PER_DAY times a day
# (STATUS default active), authored and valid from $FHIR_MED_DATE (default 2026-01-05).
med() {
	local day=${FHIR_MED_DATE:-2026-01-05}
	printf '{"resourceType":"MedicationRequest","id":"%s","status":"%s","intent":"order","medicationCodeableConcept":{"coding":[{"system":"urn:local","code":"%s","display":"%s"}],"text":"%s"},"subject":{"reference":"Patient/%s"},"authoredOn":"%sT10:00:00+09:00","dosageInstruction":[{"text":"1日%s回","timing":{"repeat":{"frequency":%s,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":%s,"unit":"%s"}}]}],"dispenseRequest":{"validityPeriod":{"start":"%s"}}}\n' \
		"$1" "${8:-active}" "$3" "$4" "$4" "$2" "$day" "$7" "$7" "$5" "$6" "$day"
}

/** A model file that initlab cannot read: the message is one line naming what is wrong and where. */
export class ModelFileError extends Error {
  override readonly name = "ModelFileError";
}
